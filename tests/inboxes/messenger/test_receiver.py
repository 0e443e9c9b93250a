"""Messenger's webhook: Meta's signature, the callback check, batches, what is ignored,
and the files fetched by the job."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from kefu.contacts.models import Contact, ContactIdentity
from kefu.conversations.models import Attachment, Conversation, InboundReceipt, Message
from kefu.inboxes.messenger import tasks
from kefu.inboxes.messenger.inbound import GET_STARTED, file_name
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.messenger.receiver import MAX_BODY_BYTES
from kefu.safety.exposure import SAFETY_LINE
from tests.inboxes.messenger import wire
from tests.inboxes.messenger.conftest import post
from tests.inboxes.messenger.graph_server import (
    PAGE_ID,
    VERIFY_TOKEN,
    GraphServer,
    graph_error,
    path,
)
from tests.platform_server import PlatformServer

PSID = "6543210987654321"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
Post = Callable[..., Any]

pytestmark = pytest.mark.usefixtures("graph_server")


def _nothing_stored() -> None:
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not Message.objects.exists()
    assert not InboundReceipt.objects.exists()
    assert not Contact.objects.exists()


def _one(text: str, mid: str = "m_1", psid: str = PSID) -> dict[str, Any]:
    return wire.batch(wire.entry(wire.message(psid, mid, text)))


# The callback check -------------------------------------------------------------------


def test_the_callback_check_repeats_the_challenge(client: Client, page: FacebookPage) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    answer = client.get(f"/messenger/{page.inbox_id}/webhook/", query)
    assert answer.status_code == 200
    assert answer.content == b"1158201444"
    assert answer["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "not-ours", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
    ids=["wrong_token", "wrong_mode", "nothing"],
)
def test_a_wrong_callback_check_is_refused(
    client: Client, page: FacebookPage, query: dict[str, str]
) -> None:
    answer = client.get(f"/messenger/{page.inbox_id}/webhook/", query)
    assert answer.status_code == 403
    assert answer.content != b"1"


# Signatures and bad input --------------------------------------------------------------


def test_a_signed_message_is_stored(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    assert messenger_post(page, _one("我的提现还没到账")).status_code == 200
    run_tasks()
    message = Message.objects.get()
    assert message.text == "我的提现还没到账"
    assert message.external_id == "mid:m_1"
    assert message.conversation.channel == "messenger"
    assert ContactIdentity.objects.get().value == PSID


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        "sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "forged",
    ],
    ids=["missing", "empty", "zeros", "sha1", "garbage"],
)
def test_a_missing_or_bad_signature_is_refused_and_nothing_stored(
    client: Client, page: FacebookPage, run_tasks: Callable[[], None], signature: str | None
) -> None:
    answer = post(client, page, wire.encode(_one("reset my 2FA")), signature)
    assert answer.status_code == 403
    assert b"2FA" not in answer.content
    run_tasks()
    _nothing_stored()


def test_a_body_signed_with_another_secret_or_altered_is_refused(
    client: Client, page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    assert messenger_post(page, _one("hello"), secret="another-app-secret").status_code == 403
    body = wire.encode(_one("hello"))
    altered = body.replace(b"hello", b"HELLO")
    assert post(client, page, altered, wire.signature(body)).status_code == 403
    run_tasks()
    _nothing_stored()


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"object": "instagram", "entry": []}', b'{"object": "page"}'],
    ids=["not_json", "not_an_object", "not_a_page", "no_entries"],
)
def test_a_malformed_body_is_a_400_and_nothing_stored(
    client: Client, page: FacebookPage, run_tasks: Callable[[], None], body: bytes
) -> None:
    answer = post(client, page, body, wire.signature(body))
    assert answer.status_code == 400
    run_tasks()
    _nothing_stored()


def test_an_oversize_body_is_refused_before_anything_is_read(
    client: Client, page: FacebookPage, run_tasks: Callable[[], None]
) -> None:
    body = wire.encode(_one("x" * (MAX_BODY_BYTES + 1)))
    assert post(client, page, body, wire.signature(body)).status_code == 413
    run_tasks()
    _nothing_stored()


def test_a_switched_off_inbox_takes_nothing(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    page.inbox.is_active = False
    page.inbox.save()
    assert messenger_post(page, _one("hello")).status_code == 404
    run_tasks()
    _nothing_stored()


def test_a_replayed_request_is_stored_once(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    for _ in range(3):
        assert messenger_post(page, _one("账户被冻结了", mid="m_replayed")).status_code == 200
        run_tasks()
    assert Message.objects.count() == 1


# Batches and events --------------------------------------------------------------------


def test_a_batch_of_two_entries_stores_both(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    batch = wire.batch(
        wire.entry(wire.message("1000000000000001", "m_a", "first customer")),
        wire.entry(
            wire.message("1000000000000002", "m_b", "second customer"),
            wire.message("1000000000000002", "m_c", "and again"),
        ),
    )
    assert messenger_post(page, batch).status_code == 200
    run_tasks()
    assert sorted(Message.objects.values_list("text", flat=True)) == [
        "and again",
        "first customer",
        "second customer",
    ]
    assert Conversation.objects.count() == 2


def test_events_of_the_wrong_shape_are_skipped(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    batch = {
        "object": "page",
        "entry": [
            {"id": PAGE_ID, "messaging": 7, "changes": "feed"},
            {"id": PAGE_ID, "messaging": ["x", {"sender": "nobody"}, {"message": {"mid": "m"}}]},
            {"id": PAGE_ID, "messaging": [wire.message(PSID, "m_ok", "still stored")]},
        ],
    }
    assert messenger_post(page, batch).status_code == 200
    run_tasks()
    assert Message.objects.get().text == "still stored"


def test_an_entry_for_another_page_is_skipped(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    batch = wire.batch(wire.entry(wire.message(PSID, "m_x", "hello"), page_id="999"))
    assert messenger_post(page, batch).status_code == 200
    run_tasks()
    _nothing_stored()


@pytest.mark.parametrize(
    "event",
    [
        wire.message(PAGE_ID, "m_echo", "our own reply", is_echo=True, app_id=1517776481860111),
        {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
         "delivery": {"mids": ["m_1"], "watermark": 1733500000000}},
        {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
         "read": {"watermark": 1733500000000}},
        {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
         "reaction": {"mid": "m_1", "action": "react", "emoji": "👍", "reaction": "like"}},
        {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
         "referral": {"ref": "ad-123", "source": "ADS", "type": "OPEN_THREAD"}},
    ],
    ids=["echo", "delivery", "read", "reaction", "referral"],
)  # fmt: skip
def test_events_that_are_not_customer_messages_are_acknowledged_and_ignored(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None], event: dict[str, Any]
) -> None:
    assert messenger_post(page, wire.batch(wire.entry(event))).status_code == 200
    run_tasks()
    _nothing_stored()


def test_get_started_is_welcomed_with_the_safety_line_and_not_stored(
    page: FacebookPage,
    messenger_post: Post,
    run_tasks: Callable[[], None],
    graph_server: GraphServer,
) -> None:
    send = path(f"{PAGE_ID}/messages")
    graph_server.reply(send, 200, {"recipient_id": PSID, "message_id": "m_welcome"})
    batch = wire.batch(wire.entry(wire.postback(PSID, GET_STARTED, "Get Started")))
    assert messenger_post(page, batch).status_code == 200
    run_tasks()
    (request,) = graph_server.requests_to(send)
    body = request.json()
    assert isinstance(body, dict)
    assert body["recipient"] == {"id": PSID}
    assert body["messaging_type"] == "RESPONSE"
    assert str(SAFETY_LINE) in body["message"]["text"]
    assert "Kefu Exchange" in body["message"]["text"]
    _nothing_stored()


def test_another_button_opens_a_conversation_once(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    batch = wire.batch(wire.entry(wire.postback(PSID, "TOPIC_DEPOSIT", "Deposits", mid="m_pb")))
    for _ in range(2):
        assert messenger_post(page, batch).status_code == 200
        run_tasks()
    assert "Deposits" in Message.objects.get().text


def test_a_quick_reply_is_stored_as_the_text_of_the_button(
    page: FacebookPage, messenger_post: Post, run_tasks: Callable[[], None]
) -> None:
    event = wire.message(PSID, "m_qr", "Withdrawals", quick_reply={"payload": "TOPIC_WITHDRAW"})
    assert messenger_post(page, wire.batch(wire.entry(event))).status_code == 200
    run_tasks()
    assert Message.objects.get().text == "Withdrawals"


def test_the_customer_name_comes_from_the_profile_when_meta_gives_it(
    page: FacebookPage,
    messenger_post: Post,
    run_tasks: Callable[[], None],
    graph_server: GraphServer,
) -> None:
    graph_server.reply(path(PSID), 200, {"first_name": "Maria", "last_name": "Santos", "id": PSID})
    assert messenger_post(page, _one("hello")).status_code == 200
    run_tasks()
    assert Contact.objects.get().name == "Maria Santos"
    (asked,) = graph_server.requests_to(path(PSID))
    assert asked.query == {"fields": ["first_name,last_name"]}


def test_a_refused_profile_leaves_the_name_empty(
    page: FacebookPage,
    messenger_post: Post,
    run_tasks: Callable[[], None],
    graph_server: GraphServer,
) -> None:
    graph_server.reply(path(PSID), 400, graph_error(230, "Requires pages_messaging permission"))
    assert messenger_post(page, _one("hello")).status_code == 200
    run_tasks()
    assert Message.objects.get().text == "hello"


def test_a_feed_change_with_no_secret_stores_nothing(
    page: FacebookPage, messenger_post: Post
) -> None:
    # A comment is screened (tests/inboxes/messenger/test_comments.py), not stored.
    change = {"field": "feed", "value": {"item": "comment", "verb": "add", "message": "hi"}}
    batch = {"object": "page", "entry": [{"id": PAGE_ID, "time": 1, "changes": [change]}]}
    assert messenger_post(page, batch).status_code == 200
    _nothing_stored()


# Files ---------------------------------------------------------------------------------


def test_a_photo_is_fetched_from_meta_without_the_page_token(
    page: FacebookPage,
    messenger_post: Post,
    run_tasks: Callable[[], None],
    cdn: PlatformServer,
) -> None:
    cdn.reply("/v/t1.15752-9/4471_n.png", 200, PNG, content_type="image/png")
    url = f"{cdn.url}/v/t1.15752-9/4471_n.png?_nc_cat=1&oh=abc"
    event = wire.message(PSID, "m_img", attachments=[wire.attachment("image", url)])
    assert messenger_post(page, wire.batch(wire.entry(event))).status_code == 200
    run_tasks()
    attachment = Attachment.objects.get()
    assert attachment.filename == "image-1.png"
    assert attachment.content_type == "image/png"
    (fetched,) = cdn.received
    assert "authorization" not in fetched.headers


def test_a_file_that_cannot_be_fetched_is_noted_after_the_last_try(
    page: FacebookPage, cdn: PlatformServer
) -> None:
    cdn.reply("/v/gone.pdf", 403, b"URL signature expired")
    url = f"{cdn.url}/v/gone.pdf"
    tasks.receive.call(
        page.inbox_id, PSID, "statement attached", "mid:m_f", [], [["file", url, "gone.pdf"]],
        tasks.FETCH_ATTEMPTS,
    )  # fmt: skip
    message = Message.objects.get()
    assert "statement attached" in message.text
    assert "gone.pdf" in message.text
    assert not message.attachments.exists()


def test_a_file_that_cannot_be_fetched_is_tried_again_first(
    page: FacebookPage, cdn: PlatformServer
) -> None:
    cdn.reply("/v/later.pdf", 500, b"")
    url = f"{cdn.url}/v/later.pdf"
    tasks.receive.call(page.inbox_id, PSID, "see file", "mid:m_g", [], [["file", url, "later.pdf"]])
    assert not Message.objects.exists()
    (again,) = DBTaskResult.objects.all()
    assert again.args_kwargs["args"][-1] == 2
    assert again.run_after is not None


def test_a_file_over_the_limit_is_noted_and_not_read_whole(
    page: FacebookPage, cdn: PlatformServer, settings: Any
) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 1024
    cdn.reply("/v/big.pdf", 200, b"%PDF-1.4\n" + b"0" * 5000, content_type="application/pdf")
    tasks.receive.call(
        page.inbox_id,
        PSID,
        "big file",
        "mid:m_h",
        [],
        [["file", f"{cdn.url}/v/big.pdf", "big.pdf"]],
    )
    message = Message.objects.get()
    assert "big.pdf" in message.text
    assert not message.attachments.exists()


def test_a_document_keeps_the_name_in_its_url() -> None:
    url = "https://cdn.fbsbx.com/v/t59.2708-21/4354_n.pdf/%E5%AF%B9%E8%B4%A6%E5%8D%95.pdf?_nc_cat=1"
    assert file_name("file", url, 1) == "对账单.pdf"
    assert file_name("image", "https://scontent.xx.fbcdn.net/v/t1/1_n.jpg?x=1", 2) == "image-2.jpg"
    assert file_name("audio", "https://cdn.fbsbx.com/v/audioclip-1", 1) == "audio-1.mp4"
