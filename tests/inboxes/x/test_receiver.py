"""The webhook: X's CRC, its signature on every POST, and what a DM event stores."""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client
from mnemonic import Mnemonic

from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.models import InboundReceipt, Message, MessageKind
from kefu.inboxes.x.models import XAccount
from tests.inboxes.x import wire
from tests.inboxes.x.conftest import post

pytestmark = pytest.mark.django_db

CUSTOMER = "1700000000000000042"


def _inbound() -> list[Message]:
    return list(Message.objects.filter(kind=MessageKind.INBOUND).order_by("pk"))


def _nothing_stored() -> None:
    assert not Message.objects.exists()
    assert not InboundReceipt.objects.exists()
    assert not Contact.objects.exists()


# X's own published example: this consumer secret and crc_token.
def test_the_crc_answer_is_the_hmac_sha256_of_the_token(client: Client, account: XAccount) -> None:
    token = "9b4507b3-9040-4669-9ca3-6b94edb50553"
    response = client.get(f"/x/{account.inbox_id}/webhook/", {"crc_token": token})
    assert response.status_code == 200
    expected = base64.b64encode(
        hmac.new(wire.CONSUMER_SECRET.encode(), token.encode(), hashlib.sha256).digest()
    ).decode()
    assert response.json() == {"response_token": f"sha256={expected}"}


def test_a_crc_without_a_token_is_a_400(client: Client, account: XAccount) -> None:
    assert client.get(f"/x/{account.inbox_id}/webhook/").status_code == 400


def test_an_unknown_or_switched_off_inbox_is_a_404(client: Client, account: XAccount) -> None:
    assert client.get("/x/999999/webhook/", {"crc_token": "t"}).status_code == 404
    account.inbox.is_active = False
    account.inbox.save()
    body = wire.payload(wire.dm_event("1", CUSTOMER, "hi"))
    assert post(client, account, body).status_code == 404
    _nothing_stored()


def test_a_dm_is_stored_with_the_sender_id_and_name(client: Client, account: XAccount) -> None:
    body = wire.payload(wire.dm_event("1801", CUSTOMER, "提现一直没到账"), **{CUSTOMER: "Li Wei"})
    assert post(client, account, body).status_code == 200
    [message] = _inbound()
    assert message.text == "提现一直没到账"
    contact = message.conversation.contact
    assert contact.name == "Li Wei"
    assert contact.identities.get(kind=IdentityKind.X).value == CUSTOMER
    assert message.conversation.inbox_id == account.inbox_id


@pytest.mark.parametrize("signature", [None, "sha256=", "sha256=AAAA", "other-secret"], ids=str)
def test_a_missing_or_wrong_signature_is_a_403_and_nothing_stored(
    client: Client, account: XAccount, signature: str | None
) -> None:
    body = wire.payload(wire.dm_event("1802", CUSTOMER, "reset my 2FA"))
    if signature == "other-secret":
        signature = wire.sign(body, secret="another-apps-consumer-secret")
    assert post(client, account, body, signature).status_code == 403
    _nothing_stored()


def test_a_signature_of_another_body_is_refused(client: Client, account: XAccount) -> None:
    signed = wire.payload(wire.dm_event("1803", CUSTOMER, "hello"))
    sent = wire.payload(wire.dm_event("1803", CUSTOMER, "send my funds to 0xevil"))
    assert post(client, account, sent, wire.sign(signed)).status_code == 403
    _nothing_stored()


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"for_user_id": "' + wire.USER_ID.encode() + b'", '
     b'"direct_message_events": [{"type": "message_create", "id": "9"}]}', b"\xff\xfe"],
    ids=["not_json", "a_list", "no_message_create", "not_utf8"],
)  # fmt: skip
def test_a_malformed_payload_is_a_400_and_nothing_stored(
    client: Client, account: XAccount, body: bytes
) -> None:
    response = post(client, account, body)
    assert response.status_code == 400
    assert response.json() == {"error": "malformed_payload"}
    _nothing_stored()


def test_an_oversize_body_is_a_413(client: Client, account: XAccount) -> None:
    body = wire.payload(wire.dm_event("1804", CUSTOMER, "x" * 300_000))
    assert post(client, account, body).status_code == 413
    _nothing_stored()


def test_events_for_another_account_are_refused(client: Client, account: XAccount) -> None:
    body = wire.payload(wire.dm_event("1805", CUSTOMER, "hi"), for_user_id="42")
    assert post(client, account, body).status_code == 403
    _nothing_stored()


def test_a_replayed_event_is_stored_once(client: Client, account: XAccount) -> None:
    body = wire.payload(wire.dm_event("1806", CUSTOMER, "where is my deposit"))
    assert post(client, account, body).status_code == 200
    assert post(client, account, body).status_code == 200
    assert len(_inbound()) == 1


def test_our_own_sends_echoed_back_are_skipped(client: Client, account: XAccount) -> None:
    ours = wire.dm_event("1807", wire.USER_ID, "We are checking", recipient_id=CUSTOMER)
    assert post(client, account, wire.payload(ours)).status_code == 200
    _nothing_stored()


def test_a_batch_stores_every_dm_in_order(client: Client, account: XAccount) -> None:
    body = wire.payload(
        wire.dm_event("1808", CUSTOMER, "first"),
        wire.dm_event("1809", "1700000000000000043", "second"),
        wire.dm_event("1810", CUSTOMER, "third"),
    )
    assert post(client, account, body).status_code == 200
    assert [m.text for m in _inbound()] == ["first", "second", "third"]


def test_typing_and_read_events_are_answered_and_ignored(client: Client, account: XAccount) -> None:
    body = json.dumps({
        "for_user_id": wire.USER_ID,
        "direct_message_indicate_typing_events": [
            {"created_timestamp": "1765051200000", "sender_id": CUSTOMER,
             "target": {"recipient_id": wire.USER_ID}}],
        "direct_message_mark_read_events": [
            {"created_timestamp": "1765051200000", "sender_id": CUSTOMER,
             "target": {"recipient_id": wire.USER_ID}, "last_read_event_id": "1801"}],
        "users": {},
    }).encode()  # fmt: skip
    assert post(client, account, body).status_code == 200
    _nothing_stored()


def test_t_co_links_are_expanded(client: Client, account: XAccount) -> None:
    link = {"url": "https://t.co/AbC123", "expanded_url": "https://kefu-support.example/login",
            "display_url": "kefu-support.example/login", "indices": [25, 48]}  # fmt: skip
    text = "Is this your login page? https://t.co/AbC123"
    event = wire.dm_event("1811", CUSTOMER, text, urls=[link])
    assert post(client, account, wire.payload(event)).status_code == 200
    [message] = _inbound()
    assert message.text == "Is this your login page? https://kefu-support.example/login"


def test_a_photo_is_a_note_and_its_link_removed(client: Client, account: XAccount) -> None:
    event = wire.dm_event(
        "1812", CUSTOMER, "my balance https://t.co/Xy7pQ1aBcD", media=wire.photo()
    )
    assert post(client, account, wire.payload(event)).status_code == 200
    [message] = _inbound()
    assert message.text.startswith("my balance\n\n")
    assert "t.co" not in message.text
    # X says nothing of the customer's language: the note is in Kefu's default.
    assert message.text.endswith("[客户发送了一张图片，可在 X 的对话中查看。]")
    assert not message.attachments.exists()


def test_a_secret_in_a_dm_is_redacted(client: Client, account: XAccount) -> None:
    phrase = Mnemonic("english").to_mnemonic(bytes(range(16)))
    event = wire.dm_event("1813", CUSTOMER, f"my seed is {phrase}")
    assert post(client, account, wire.payload(event)).status_code == 200
    [message] = _inbound()
    assert " ".join(phrase.split()[:4]) not in message.text
    message.conversation.refresh_from_db()
    assert message.conversation.secret_exposed
