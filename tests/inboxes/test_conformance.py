"""The adapter conformance suite: every channel under kefu/inboxes/ passes the same cases.

Each case goes through the channel's driver (tests/inboxes/<package>/conformance.py, the
contract is tests/inboxes/conformance/driver.py), so a channel is the real entry point
with the platform's wire format. A package without a driver fails here: adding a
channel is adding its folder and passing this suite.

Besides `driver(request)`, a driver module may say, each optional:
- TRANSACTIONAL = True: its entry point runs in another thread (a mail server, the chat
  socket's consumer), so the cases run with transactions that commit;
- NOT_APPLICABLE = {case function name: reason}: the channel has no such thing (skipped);
and a driver object may have `names_files = False` when the customer cannot name the
files they send (a voicemail), which skips the file-name secret case.
"""

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.utils import translation
from mnemonic import Mnemonic

from kefu.agents.models import Agent
from kefu.contacts.actions import add_identity
from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.actions import send_reply
from kefu.conversations.models import (
    Attachment,
    Conversation,
    DeliveryStatus,
    InboundReceipt,
    Message,
    MessageKind,
)
from kefu.conversations.reply_window import ReplyWindowClosed, reply_window
from kefu.conversations.tasks import MAX_ATTEMPTS, deliver_message
from kefu.safety.models import SafetyAlert
from tests.inboxes.conformance.driver import Delivery, Driver, File

ROOT = Path(__file__).resolve().parent.parent.parent

# Folders of kefu/inboxes that are not channel adapters (as in tests/test_layers.py).
_NOT_ADAPTERS = {"migrations", "templates"}

CHANNELS = sorted(
    path.parent.name
    for path in (ROOT / "kefu" / "inboxes").glob("*/__init__.py")
    if path.parent.name not in _NOT_ADAPTERS
)


def _driver_module(channel: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"tests.inboxes.{channel}.conformance")
    except ModuleNotFoundError as missing:
        if missing.name not in {f"tests.inboxes.{channel}", f"tests.inboxes.{channel}.conformance"}:
            raise
        return None


def _channel(channel: str) -> Any:
    # A driver whose entry point runs in another thread (a mail server) says
    # TRANSACTIONAL = True: its writes must commit for the test to see them.
    transactional = getattr(_driver_module(channel), "TRANSACTIONAL", False)
    return pytest.param(channel, marks=pytest.mark.django_db(transaction=transactional))


ENGLISH_PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))
CHINESE_PHRASE = Mnemonic("chinese_simplified").to_mnemonic(bytes(range(16, 32)))

# An ELF header: an executable whatever its name says.
EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(params=[_channel(channel) for channel in CHANNELS])
def driver(request: pytest.FixtureRequest) -> Driver:
    module = _driver_module(request.param)
    if module is None:
        pytest.fail(
            f"channel {request.param} has no conformance driver (tests/inboxes/{request.param}/)"
        )
    # A case about something the channel does not have, with the reason. (A case a
    # channel fails is a failure: fix the adapter, do not list it here.)
    missing = getattr(module, "NOT_APPLICABLE", {}).get(request.node.originalname)
    if missing:
        pytest.skip(f"{request.param}: {missing}")
    made: Driver = module.driver(request)
    return made


def _ok(status: int) -> bool:
    return 200 <= status < 300


def _words_absent(phrase: str, text: str) -> bool:
    # A few words of a phrase may be ordinary words; a run of its words may not stay.
    return " ".join(phrase.split()[:4]) not in text and phrase not in text


def _assert_secret_handled(conversation: Conversation, phrase: str) -> None:
    texts = [m.text for m in conversation.messages.filter(kind=MessageKind.INBOUND)]
    names = list(
        Attachment.objects.filter(message__conversation=conversation).values_list(
            "filename", flat=True
        )
    )
    assert all(_words_absent(phrase, text) for text in texts + names), (texts, names)
    conversation.refresh_from_db()
    assert conversation.secret_exposed
    assert SafetyAlert.objects.filter(
        conversation=conversation, kind=SafetyAlert.Kind.SECRET_EXPOSED
    ).exists()


def test_a_forged_delivery_is_refused_and_nothing_is_stored(driver: Driver) -> None:
    # A driver may set up a customer of its own (the portal's signed-in one).
    contacts = Contact.objects.count()
    status = driver.deliver(
        Delivery(delivery_id="forged-1", sender="mallory", text="please reset my 2FA"),
        forged=True,
    )
    # The contract passes an SMTP reply code as it is: 55x is the permanent refusal.
    assert 400 <= status < 500 or 550 <= status < 560, status
    assert not Message.objects.filter(kind=MessageKind.INBOUND).exists()
    assert not InboundReceipt.objects.exists()
    assert Contact.objects.count() == contacts
    assert not Conversation.objects.exists()


def test_the_same_delivery_twice_is_stored_once(driver: Driver) -> None:
    delivery = Delivery(delivery_id="twice-1", sender="alice", text="提现一直没到账")
    assert _ok(driver.deliver(delivery))
    assert _ok(driver.deliver(delivery))
    assert Message.objects.filter(kind=MessageKind.INBOUND, text__contains="提现").count() == 1


@pytest.mark.parametrize(
    "phrase", [ENGLISH_PHRASE, CHINESE_PHRASE], ids=["english", "chinese_simplified"]
)
@pytest.mark.parametrize("where", ["text", "caption", "file_name"])
def test_a_secret_is_stored_redacted_with_an_alert(driver: Driver, phrase: str, where: str) -> None:
    if where == "file_name" and not getattr(driver, "names_files", True):
        # A voicemail's file is named by the platform, not by the customer.
        pytest.skip(f"{driver.channel}: the customer does not name the files")
    text = f"my wallet is empty, the phrase is {phrase}"
    picture = File("screenshot.png", "image/png", PNG)
    delivery = {
        "text": Delivery(delivery_id="secret-1", sender="bob", text=text),
        "caption": Delivery(delivery_id="secret-1", sender="bob", text=text, file=picture),
        "file_name": Delivery(
            delivery_id="secret-1",
            sender="bob",
            text="see the file",
            file=File(f"{phrase}.png", "image/png", PNG),
        ),
    }[where]
    assert _ok(driver.deliver(delivery))
    _assert_secret_handled(driver.conversation("bob"), phrase)


@pytest.mark.parametrize(
    "file",
    [
        File("statement.pdf", "application/pdf", b"%PDF-1.4\n" + b"0 0 obj\n" * 512),
        File("tool.exe", "application/octet-stream", EXECUTABLE),
    ],
    ids=["too_large", "disallowed_type"],
)
def test_a_refused_file_is_noted_and_the_message_kept(
    driver: Driver, file: File, settings: Any
) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 1024
    status = driver.deliver(
        Delivery(delivery_id="file-1", sender="carol", text="充值没到账，见附件", file=file)
    )
    if not _ok(status):
        # A channel whose sender waits for the answer (the API, the chat upload) refuses
        # the whole delivery with the reason instead: then nothing is half-stored.
        assert status in (413, 415), status
        assert not Message.objects.filter(text__contains="充值没到账").exists()
        return
    message = driver.conversation("carol").messages.filter(kind=MessageKind.INBOUND).last()
    assert message is not None
    assert "充值没到账" in message.text
    # The note is in the customer's language; it names the file.
    assert file.name in message.text, message.text
    assert not message.attachments.exists()


def test_a_failing_outbound_is_retried_then_marked_failed(
    driver: Driver, agent_factory: Callable[..., Agent]
) -> None:
    assert _ok(driver.deliver(Delivery(delivery_id="out-1", sender="dave", text="账户被冻结了")))
    conversation = driver.conversation("dave")
    reply = send_reply(conversation=conversation, agent=agent_factory(), text="我们正在核实")
    statuses = []
    with driver.fail_outbound():
        for _ in range(MAX_ATTEMPTS):
            deliver_message.call(reply.pk)
            reply.refresh_from_db()
            statuses.append(reply.delivery_status)
    assert statuses[0] == DeliveryStatus.RETRYING
    assert statuses[-1] == DeliveryStatus.FAILED
    assert DeliveryStatus.SENT not in statuses
    assert reply.delivery_error


def test_a_closed_window_refuses_with_a_reason_and_offers_another_way(
    driver: Driver, agent_factory: Callable[..., Agent]
) -> None:
    assert _ok(driver.deliver(Delivery(delivery_id="win-1", sender="erin", text="还在吗")))
    conversation = driver.conversation("erin")
    driver.close_window(conversation)
    agent = agent_factory(language="zh-Hans")
    before = Message.objects.count()
    with translation.override("en"), pytest.raises(ReplyWindowClosed) as english:
        send_reply(conversation=conversation, agent=agent, text="您好")
    with translation.override("zh-hans"), pytest.raises(ReplyWindowClosed) as chinese:
        send_reply(conversation=conversation, agent=agent, text="您好")
    assert english.value.message
    assert chinese.value.message
    assert english.value.message != chinese.value.message
    assert Message.objects.count() == before
    # The other ways need the customer's email (a chat app gives none): the agent asked.
    if not conversation.contact.email:
        add_identity(conversation.contact, IdentityKind.EMAIL, "erin@customer.example")
    alternative = reply_window(conversation).alternatives[0]
    sent = send_reply(conversation=conversation, agent=agent, text="您好", via=alternative.via)
    assert sent.via == alternative.via
