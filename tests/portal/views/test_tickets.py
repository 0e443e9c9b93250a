"""My tickets, one ticket, replying and opening a ticket, as the customer sees them."""

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations.models import Attachment, Conversation, Message, MessageKind, Status
from kefu.core.intents import Intent
from kefu.safety.markers import MARKERS
from tests.core.test_ids import HOSTILE_REFERENCES, hostile_spellings
from tests.portal.conftest import client_reading
from tests.safety.secret_files import PHRASE_ZH_HANS, Secret, file_text, one_file_of_each_kind

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_my_tickets_lists_only_my_own(
    conversation_factory: Callable[..., Conversation], contact_factory: Callable[..., Contact]
) -> None:
    me, other = contact_factory(), contact_factory()
    mine = conversation_factory(contact=me, subject="提现一直没到账", status=Status.PENDING)
    theirs = conversation_factory(contact=other, subject="别人的工单")
    response = client_reading(me).get("/portal/tickets/", headers=EN)
    body = response.content.decode()
    assert response.status_code == 200
    assert mine.reference in body
    assert "提现一直没到账" in body
    assert "Waiting for your reply" in body
    assert theirs.reference not in body
    assert "别人的工单" not in body


def test_my_tickets_needs_a_signed_in_customer(client: Client) -> None:
    response = client.get("/portal/tickets/")
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/?next=")


def test_ticket_pages_are_not_cached(conversation_factory) -> None:
    conversation = conversation_factory()
    response = client_reading(conversation.contact).get(
        f"/portal/tickets/{conversation.reference}/"
    )
    assert "no-store" in response["Cache-Control"]


def test_the_ticket_page_shows_the_history_without_internal_notes(
    conversation_factory, agent_factory, post_message
) -> None:
    conversation = conversation_factory(text="我的USDT提现还没到")
    agent: Agent = agent_factory(display_name="李娜", public_id="KF-7Q2M9A")
    post_message(conversation, MessageKind.OUTBOUND, "您好，我们正在核实。", agent)
    post_message(conversation, MessageKind.NOTE, "SECRET-NOTE: customer looks nervous", agent)
    response = client_reading(conversation.contact).get(
        f"/portal/tickets/{conversation.reference}/", headers=EN
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert conversation.reference in body
    assert "我的USDT提现还没到" in body
    assert "您好，我们正在核实。" in body
    assert '李娜 · <span class="agent-id">KF-7Q2M9A</span>' in body
    assert "/portal/verify/?q=KF-7Q2M9A" in body
    assert "SECRET-NOTE" not in body


def test_a_look_alike_link_in_a_message_is_flagged_to_the_customer(conversation_factory) -> None:
    conversation = conversation_factory()
    Message.objects.create(
        conversation=conversation,
        kind=MessageKind.INBOUND,
        author_contact=conversation.contact,
        text="有人发给我这个链接 https://kefu-support.com-verify.net/login",
        link_warnings=[
            {
                "url": "https://kefu-support.com-verify.net/login",
                "host": "kefu-support.com-verify.net",
                "reason": "official_name_in_other_domain",
                "imitates": "kefu-support.com",
            }
        ],
    )
    body = client_reading(conversation.contact).get(f"/portal/tickets/{conversation.reference}/")
    assert (
        "Careful: <strong>kefu-support.com-verify.net</strong> is not an official address, "
        "although it looks like kefu-support.com."
    ) in body.content.decode()


def test_the_ticket_page_reads_a_fixed_number_of_queries(
    conversation_factory, agent_factory, post_message, django_assert_max_num_queries
) -> None:
    conversation = conversation_factory()
    agent = agent_factory()
    for n in range(20):
        post_message(conversation, MessageKind.OUTBOUND, f"reply {n}", agent)
    client = client_reading(conversation.contact)
    # session, contact, conversation, messages with their authors, attachments; for the
    # case's state, the team's service hours and whether the customer already escalated;
    # the identity verification cases on the ticket
    with django_assert_max_num_queries(8):
        response = client.get(f"/portal/tickets/{conversation.reference}/")
    assert response.status_code == 200


def test_my_tickets_reads_a_fixed_number_of_queries(
    conversation_factory, contact_factory, django_assert_max_num_queries
) -> None:
    me = contact_factory()
    for _ in range(15):
        conversation_factory(contact=me)
    client = client_reading(me)
    # session, contact, conversations
    with django_assert_max_num_queries(3):
        assert client.get("/portal/tickets/").status_code == 200


def test_the_live_refresh_gets_only_the_changing_part(conversation_factory) -> None:
    conversation = conversation_factory()
    client = client_reading(conversation.contact)
    page = client.get(f"/portal/tickets/{conversation.reference}/").content.decode()
    assert f'data-live-url="/portal/tickets/{conversation.reference}/?partial=1"' in page
    part = client.get(f"/portal/tickets/{conversation.reference}/?partial=1").content.decode()
    assert "提现一直没到账" in part
    assert "<html" not in part
    assert "<form" not in part


def test_a_customer_never_sees_another_customers_ticket(
    conversation_factory, contact_factory, agent_factory
) -> None:
    victim = conversation_factory(text="我的地址是 T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb")
    reply = Message.objects.create(
        conversation=victim, kind=MessageKind.OUTBOUND, author_agent=agent_factory(), text="ok"
    )
    attachment = Attachment.objects.create(
        message=reply,
        file="attachments/x/secret",
        filename="secret.png",
        content_type="image/png",
        size=3,
    )
    intruder = client_reading(contact_factory())
    ref = victim.reference
    before = Message.objects.count()
    for url in (
        f"/portal/tickets/{ref}/",
        f"/portal/tickets/{ref}/?partial=1",
        f"/portal/tickets/{ref}/record.html",
        f"/portal/tickets/{ref}/record.txt",
        f"/portal/attachments/{reply.pk}/{attachment.pk}/",
    ):
        response = intruder.get(url)
        assert response.status_code == 404, url
        assert b"T9yD14Nj9j7x" not in response.content
    response = intruder.post(f"/portal/tickets/{ref}/reply/", {"text": "hello"})
    assert response.status_code == 404
    assert Message.objects.count() == before
    victim.refresh_from_db()
    assert victim.status == Status.OPEN


@pytest.mark.parametrize("reference", ["abc", "K-", "K-00000000000000000001", "K-1.5", "-1"])
def test_a_malformed_reference_is_not_found(contact_factory, reference: str) -> None:
    response = client_reading(contact_factory()).get(f"/portal/tickets/{reference}/", headers=EN)
    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_a_hostile_reference_is_not_found(conversation_factory) -> None:
    conversation = conversation_factory()
    client = client_reading(conversation.contact)
    spellings = hostile_spellings(conversation.pk)
    for reference in [r for r in HOSTILE_REFERENCES if r] + [f"K-{s}" for s in spellings]:
        path = f"/portal/tickets/{quote(reference, safe='')}"
        for response in (
            client.get(f"{path}/", headers=EN),
            client.get(f"{path}/record.txt", headers=EN),
            client.post(f"{path}/reply/", {"text": "还没到账"}, headers=EN),
        ):
            assert response.status_code == 404, (reference, response.status_code)
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_a_reply_is_added_and_reopens_a_resolved_ticket(conversation_factory) -> None:
    conversation = conversation_factory(status=Status.RESOLVED)
    client = client_reading(conversation.contact)
    response = client.post(
        f"/portal/tickets/{conversation.reference}/reply/", {"text": "还是没到账"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/portal/tickets/{conversation.reference}/#latest"
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    latest = conversation.messages.order_by("-pk").first()
    assert latest is not None
    assert latest.text == "还是没到账"
    assert latest.kind == MessageKind.INBOUND
    assert latest.author_contact_id == conversation.contact_id


def test_writing_to_a_closed_ticket_opens_a_follow_up(conversation_factory) -> None:
    conversation = conversation_factory(status=Status.CLOSED)
    client = client_reading(conversation.contact)
    response = client.post(
        f"/portal/tickets/{conversation.reference}/reply/",
        {"text": "again"},
        follow=True,
        headers=EN,
    )
    follow_up = Conversation.objects.get(follow_up_of=conversation)
    assert response.redirect_chain[-1][0] == f"/portal/tickets/{follow_up.reference}/#latest"
    body = response.content.decode()
    assert f"{conversation.reference} was closed, so your message opened a new ticket" in body


def test_an_empty_reply_is_refused(conversation_factory) -> None:
    conversation = conversation_factory()
    before = Message.objects.count()
    response = client_reading(conversation.contact).post(
        f"/portal/tickets/{conversation.reference}/reply/", {"text": "   "}, headers=EN
    )
    assert response.status_code == 422
    assert "The message is empty." in response.content.decode()
    assert Message.objects.count() == before


def test_a_reply_with_a_screenshot_stores_it_and_offers_it_for_download(
    conversation_factory,
) -> None:
    conversation = conversation_factory()
    client = client_reading(conversation.contact)
    upload = SimpleUploadedFile("截图.png", PNG, content_type="image/png")
    client.post(
        f"/portal/tickets/{conversation.reference}/reply/", {"text": "", "attachment": upload}
    )
    attachment = Attachment.objects.get(message__conversation=conversation)
    assert attachment.filename == "截图.png"
    assert attachment.content_type == "image/png"
    page = client.get(f"/portal/tickets/{conversation.reference}/").content.decode()
    url = f"/portal/attachments/{attachment.message_id}/{attachment.pk}/"
    assert url in page
    assert "截图.png" in page


def test_an_oversized_upload_is_refused_and_nothing_is_stored(
    conversation_factory, settings
) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 1024
    conversation = conversation_factory()
    before = Message.objects.count()
    upload = SimpleUploadedFile("big.png", PNG + b"\0" * 2048, content_type="image/png")
    response = client_reading(conversation.contact).post(
        f"/portal/tickets/{conversation.reference}/reply/",
        {"text": "see attached", "attachment": upload},
        headers=EN,
    )
    assert response.status_code == 413
    assert "big.png is larger than the 1.0\xa0KB limit." in response.content.decode()
    assert Message.objects.count() == before
    assert not Attachment.objects.exists()
    assert _files_on_disk() == []


def test_a_disallowed_file_type_is_refused(conversation_factory) -> None:
    conversation = conversation_factory()
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\0" * 64, content_type="image/png")
    response = client_reading(conversation.contact).post(
        f"/portal/tickets/{conversation.reference}/reply/",
        {"text": "run this", "attachment": upload},
        headers=EN,
    )
    assert response.status_code == 415
    assert "is not an allowed file type" in response.content.decode()
    assert not Attachment.objects.exists()
    assert conversation.messages.count() == 1


@pytest.mark.parametrize(("extension", "secret"), one_file_of_each_kind())
def test_a_new_ticket_keeps_a_text_file_with_its_secret_removed(
    contact_factory, extension: str, secret: Secret
) -> None:
    contact = contact_factory(language="en")
    upload = SimpleUploadedFile(
        f"notes{extension}", file_text(extension, secret.line).encode(), "application/octet-stream"
    )
    client_reading(contact).post(
        "/portal/tickets/new/",
        {
            "intent": Intent.ACCOUNT_STOLEN,
            "subject": "help",
            "text": "see file",
            "attachment": upload,
        },
        headers=EN,
    )
    conversation = Conversation.objects.get(contact=contact)
    attachment = Attachment.objects.get(message__conversation=conversation)
    stored = attachment.file.read().decode()
    for needle in secret.needles():
        assert needle not in stored
    assert MARKERS[secret.kind]["en"] in stored
    assert conversation.secret_exposed
    warning = conversation.messages.get(kind=MessageKind.OUTBOUND)
    assert "nobody at support can see it" in warning.text


def test_a_reply_keeps_a_gb18030_text_file_in_its_encoding_with_the_secret_removed(
    conversation_factory,
) -> None:
    conversation = conversation_factory()
    original = f"日志\r\n助记词：{PHRASE_ZH_HANS}\r\n".encode("gb18030")
    upload = SimpleUploadedFile("日志.txt", original, content_type="text/plain")
    client_reading(conversation.contact).post(
        f"/portal/tickets/{conversation.reference}/reply/", {"text": "", "attachment": upload}
    )
    attachment = Attachment.objects.get(message__conversation=conversation)
    assert attachment.content_type == "text/plain"
    assert attachment.file.read() == "日志\r\n助记词：[助记词已移除]\r\n".encode("gb18030")


def test_a_text_file_that_cannot_be_read_is_refused_with_a_clear_message(contact_factory) -> None:
    contact = contact_factory()
    garbled = SimpleUploadedFile("notes.log", bytes(range(0x80, 0x100)) * 8, "text/plain")
    response = client_reading(contact).post(
        "/portal/tickets/new/",
        {"intent": Intent.FEES, "subject": "fees", "text": "see log", "attachment": garbled},
        headers=EN,
    )
    assert 400 <= response.status_code < 500
    assert "notes.log could not be read as text" in response.content.decode()
    assert not Conversation.objects.filter(contact=contact).exists()
    assert _files_on_disk() == []


def test_a_new_ticket_gets_its_topic_and_shows_its_number(contact_factory) -> None:
    contact = contact_factory()
    client = client_reading(contact)
    form = client.get("/portal/tickets/new/", headers=EN).content.decode()
    assert f'value="{Intent.DEPOSIT_MISSING.value}"' in form
    assert str(Intent.DEPOSIT_MISSING.label) in form
    response = client.post(
        "/portal/tickets/new/",
        {
            "intent": Intent.DEPOSIT_MISSING,
            "subject": "USDT 充值未到账",
            "text": "TRC20 充值 100 USDT，两小时了还没到账。",
        },
        follow=True,
        headers=EN,
    )
    conversation = Conversation.objects.get(contact=contact)
    assert conversation.intent == Intent.DEPOSIT_MISSING
    assert conversation.subject == "USDT 充值未到账"
    assert conversation.messages.get().text == "TRC20 充值 100 USDT，两小时了还没到账。"
    assert response.redirect_chain[-1][0] == f"/portal/tickets/{conversation.reference}/"
    body = response.content.decode()
    assert '<p class="ticket-created-number">' + conversation.reference in body
    assert f"Your ticket number is {conversation.reference}." in body


def test_a_new_ticket_form_sent_twice_opens_one_ticket(contact_factory) -> None:
    contact = contact_factory()
    client = client_reading(contact)
    page = client.get("/portal/tickets/new/", headers=EN).content.decode()
    again = client.get("/portal/tickets/new/", headers=EN).content.decode()
    submission = re.search(r'name="submission" value="([0-9a-f]{32})"', page)
    assert submission is not None
    assert submission.group(0) not in again  # each form shown gets its own id
    form = {
        "intent": Intent.DEPOSIT_MISSING,
        "subject": "USDT 充值未到账",
        "text": "TRC20 充值 100 USDT，两小时了还没到账。",
        "submission": submission.group(1),
    }
    first = client.post("/portal/tickets/new/", form, headers=EN)
    second = client.post("/portal/tickets/new/", form, headers=EN)
    conversation = Conversation.objects.get(contact=contact)
    assert conversation.messages.count() == 1
    assert first["Location"] == second["Location"] == f"/portal/tickets/{conversation.reference}/"


def test_a_new_ticket_needs_a_topic_from_the_list(contact_factory) -> None:
    contact = contact_factory()
    response = client_reading(contact).post(
        "/portal/tickets/new/", {"intent": "free_money", "subject": "x", "text": "y"}, headers=EN
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Conversation.objects.filter(contact=contact).exists()


def test_a_new_ticket_with_a_disallowed_file_type_is_415_and_creates_nothing(
    contact_factory,
) -> None:
    contact = contact_factory()
    upload = SimpleUploadedFile("tool.pdf", b"MZ\x90\x00" + b"\0" * 64, "application/pdf")
    response = client_reading(contact).post(
        "/portal/tickets/new/",
        {"intent": Intent.FEES, "subject": "fees", "text": "see pdf", "attachment": upload},
        headers=EN,
    )
    assert response.status_code == 415
    assert "tool.pdf is not an allowed file type" in response.content.decode()
    assert "see pdf" in response.content.decode()  # the form keeps what was typed
    assert not Conversation.objects.filter(contact=contact).exists()


def test_a_new_ticket_with_an_oversized_file_creates_nothing(contact_factory, settings) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 1024
    contact = contact_factory()
    upload = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * 4096, content_type="application/pdf"
    )
    response = client_reading(contact).post(
        "/portal/tickets/new/",
        {"intent": Intent.FEES, "subject": "fees", "text": "see pdf", "attachment": upload},
        headers=EN,
    )
    assert response.status_code == 413
    assert "larger than the" in response.content.decode()
    assert not Conversation.objects.filter(contact=contact).exists()
    assert _files_on_disk() == []


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Null characters are not allowed."),
        ("zh-Hans", "无法保存的空字符"),
        ("zh-Hant", "無法儲存的空字元"),
    ],
)
def test_a_null_character_in_a_form_is_refused_with_the_text_kept(
    conversation_factory, language: str, message: str
) -> None:
    conversation = conversation_factory()
    client = client_reading(conversation.contact, language)
    before = Message.objects.count()
    for url, data in (
        ("/portal/tickets/new/", {"intent": "fees", "subject": "手续费", "text": "多少\x00钱"}),
        ("/portal/tickets/new/", {"intent": "fees", "subject": "手续\x00费", "text": "多少钱"}),
        (f"/portal/tickets/{conversation.reference}/reply/", {"text": "还没\x00到账"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, url
        page = response.content.decode()
        assert message in page
        assert "多少" in page or "还没" in page  # what the customer typed is still there
    assert Message.objects.count() == before
