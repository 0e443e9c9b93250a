"""Linking a messaging account to a portal account: a token from the portal, a code from
the channel, the code typed back; nothing moves without it."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from kefu.contacts import link_commands
from kefu.contacts.actions import (
    LINK_MAX_ATTEMPTS,
    confirm_link,
    find_or_create_contact,
    start_link,
    unlink,
)
from kefu.contacts.errors import LinkFailed
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind, LinkRequest
from kefu.conversations.models import Conversation
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Channel, Inbox

pytestmark = pytest.mark.django_db

TELEGRAM_ID = "7012345678"
CODE = re.compile(r"\b(\d{6})\b")


def code_in(reply: str | None) -> str:
    assert reply is not None
    found = CODE.search(reply)
    assert found is not None, reply
    return found[1]


def claim(contact: Contact, kind: str = IdentityKind.TELEGRAM, value: str = TELEGRAM_ID) -> str:
    """Start a request in the portal and send its token from the account: the code."""
    token = start_link(contact, kind).token
    return code_in(link_commands.answer(kind, value, f"link {token}"))


@pytest.fixture
def portal(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(email="alice@example.com", language="en")


@pytest.fixture
def telegram_conversation(db: None) -> Conversation:
    """A conversation the same person opened on Telegram before linking: another contact."""
    contact = find_or_create_contact(IdentityKind.TELEGRAM, TELEGRAM_ID, name="Alice TG")
    inbox = Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)
    return Conversation.objects.create(
        contact=contact, inbox=inbox, channel=Channel.TELEGRAM, last_message_at=timezone.now()
    )


@pytest.mark.parametrize(
    "text",
    [
        "link K7P2QX9M",
        "LINK k7p2qx9m",
        "/link K7P2QX9M",
        "绑定 K7P2QX9M",
        "綁定K7P2QX9M",
        "/start link-K7P2QX9M",
        "/start@KefuBot link-K7P2QX9M",
        "link-K7P2QX9M",
        "  link\u3000K7P2QX9M \n",
        "ｌｉｎｋ　Ｋ７Ｐ２ＱＸ９Ｍ",
    ],
)
def test_link_commands_are_recognised_in_every_form(text: str) -> None:
    assert link_commands.token_in(text) == "K7P2QX9M"


@pytest.mark.parametrize(
    "text", ["link accounts", "how do I link my account?", "link K7P2QX9M please", "/start", ""]
)
def test_ordinary_text_is_not_a_link_command(text: str) -> None:
    assert link_commands.answer(IdentityKind.TELEGRAM, TELEGRAM_ID, text) is None


def test_a_confirmed_code_brings_the_channels_conversations_under_the_portal_contact(
    portal: Contact, telegram_conversation: Conversation
) -> None:
    old = telegram_conversation.contact
    linked = confirm_link(portal, claim(portal))
    assert linked.moved
    identity = ContactIdentity.objects.get(kind=IdentityKind.TELEGRAM, value=TELEGRAM_ID)
    assert identity.contact_id == portal.pk
    assert identity.verified
    telegram_conversation.refresh_from_db()
    assert telegram_conversation.contact_id == portal.pk
    old.refresh_from_db()
    assert old.merged_into_id == portal.pk
    entry = AuditEntry.objects.get(action="contact.link")
    assert entry.actor_id is None
    assert LinkRequest.objects.get().used_at is not None


def test_an_account_never_seen_before_is_added_to_the_portal_contact(portal: Contact) -> None:
    confirm_link(portal, claim(portal, IdentityKind.WECHAT, "oOpenId123"))
    assert portal.identities.filter(kind=IdentityKind.WECHAT, verified=True).exists()


def test_an_unlinked_account_stays_a_separate_contact(
    portal: Contact, telegram_conversation: Conversation
) -> None:
    start_link(portal, IdentityKind.TELEGRAM)
    link_commands.answer(IdentityKind.TELEGRAM, TELEGRAM_ID, "hello")
    telegram_conversation.refresh_from_db()
    assert telegram_conversation.contact_id != portal.pk
    assert telegram_conversation.contact.merged_into_id is None


def test_an_expired_request_gets_no_code(portal: Contact) -> None:
    token = start_link(portal, IdentityKind.TELEGRAM).token
    LinkRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with translation.override("en"):
        reply = link_commands.answer(IdentityKind.TELEGRAM, TELEGRAM_ID, f"link {token}")
    assert reply is not None
    assert "not valid" in reply
    assert CODE.search(reply) is None
    assert LinkRequest.objects.get().code_hash == ""


def test_an_expired_code_is_refused_and_nothing_moves(
    portal: Contact, telegram_conversation: Conversation
) -> None:
    code = claim(portal)
    LinkRequest.objects.update(claimed_at=timezone.now() - timedelta(minutes=11))
    with translation.override("en"), pytest.raises(LinkFailed, match="expired"):
        confirm_link(portal, code)
    assert not portal.identities.filter(kind=IdentityKind.TELEGRAM).exists()
    telegram_conversation.refresh_from_db()
    assert telegram_conversation.contact_id != portal.pk


def test_a_code_links_once(portal: Contact, telegram_conversation: Conversation) -> None:
    code = claim(portal)
    confirm_link(portal, code)
    with pytest.raises(LinkFailed):
        confirm_link(portal, code)


def test_a_used_token_gets_no_second_code(portal: Contact) -> None:
    token = start_link(portal, IdentityKind.TELEGRAM).token
    confirm_link(portal, code_in(link_commands.answer("telegram", TELEGRAM_ID, f"link {token}")))
    reply = link_commands.answer(IdentityKind.TELEGRAM, "999", f"link {token}")
    assert reply is not None
    assert CODE.search(reply) is None


def test_five_wrong_codes_burn_the_request(
    portal: Contact, telegram_conversation: Conversation
) -> None:
    code = claim(portal)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _attempt in range(LINK_MAX_ATTEMPTS):
        with pytest.raises(LinkFailed):
            confirm_link(portal, wrong)
    assert LinkRequest.objects.get().attempts == LINK_MAX_ATTEMPTS
    with pytest.raises(LinkFailed):
        confirm_link(portal, code)
    telegram_conversation.refresh_from_db()
    assert telegram_conversation.contact_id != portal.pk


def test_a_code_typed_by_another_customer_is_refused_and_counted_on_theirs(
    portal: Contact,
    telegram_conversation: Conversation,
    contact_factory: Callable[..., Contact],
) -> None:
    mallory = contact_factory(email="mallory@example.com")
    mallory_request = start_link(mallory, IdentityKind.TELEGRAM)
    code = claim(portal)
    with pytest.raises(LinkFailed):
        confirm_link(mallory, code)
    assert LinkRequest.objects.get(contact=mallory).attempts == 1
    assert LinkRequest.objects.get(contact=portal).attempts == 0
    assert not mallory.identities.filter(kind=IdentityKind.TELEGRAM).exists()
    telegram_conversation.refresh_from_db()
    assert telegram_conversation.contact.merged_into_id is None
    # The rightful customer is not locked out by it.
    assert confirm_link(portal, code).moved
    assert mallory_request.token


def test_a_token_sent_from_another_channel_is_refused(portal: Contact) -> None:
    token = start_link(portal, IdentityKind.TELEGRAM).token
    reply = link_commands.answer(IdentityKind.WECHAT, "oOpenId123", f"绑定 {token}")
    assert reply is not None
    assert CODE.search(reply) is None
    assert LinkRequest.objects.get().code_hash == ""


def test_a_new_claim_replaces_the_old_code(portal: Contact) -> None:
    token = start_link(portal, IdentityKind.TELEGRAM).token
    first = code_in(link_commands.answer("telegram", "111", f"link {token}"))
    second = code_in(link_commands.answer("telegram", TELEGRAM_ID, f"link {token}"))
    if first != second:
        with pytest.raises(LinkFailed):
            confirm_link(portal, first)
    linked = confirm_link(portal, second)
    assert linked.identity.value == TELEGRAM_ID


def test_a_new_request_retires_the_old_token(portal: Contact) -> None:
    old = start_link(portal, IdentityKind.TELEGRAM).token
    start_link(portal, IdentityKind.TELEGRAM)
    reply = link_commands.answer(IdentityKind.TELEGRAM, TELEGRAM_ID, f"link {old}")
    assert reply is not None
    assert CODE.search(reply) is None


def test_an_account_already_linked_changes_nothing(portal: Contact) -> None:
    confirm_link(portal, claim(portal))
    again = confirm_link(portal, claim(portal))
    assert not again.moved
    assert AuditEntry.objects.filter(action="contact.link").count() == 1


def test_email_cannot_be_linked_this_way(portal: Contact) -> None:
    with pytest.raises(LinkFailed):
        start_link(portal, IdentityKind.EMAIL)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Someone asked to link this Telegram account to the help-center account a•••@"),
        ("zh-Hans", "有人请求将此 Telegram 账号绑定到帮助中心账户 a•••@"),
        ("zh-Hant", "有人請求將此 Telegram 帳號綁定到幫助中心帳戶 a•••@"),
    ],
)
def test_the_code_comes_in_the_portal_customers_language(
    portal: Contact, language: str, expected: str
) -> None:
    portal.language = language
    portal.save(update_fields=["language"])
    token = start_link(portal, IdentityKind.TELEGRAM).token
    reply = link_commands.answer(IdentityKind.TELEGRAM, TELEGRAM_ID, f"link {token}")
    assert reply is not None
    assert reply.startswith(expected)
    assert "alice" not in reply


def test_unlink_gives_the_account_a_contact_of_its_own_and_leaves_the_past(
    portal: Contact, telegram_conversation: Conversation
) -> None:
    identity = confirm_link(portal, claim(portal)).identity
    alone = unlink(portal, identity.pk)
    identity.refresh_from_db()
    assert identity.contact_id == alone.pk != portal.pk
    assert not identity.verified
    telegram_conversation.refresh_from_db()
    assert telegram_conversation.contact_id == portal.pk


def test_the_email_address_cannot_be_unlinked(portal: Contact) -> None:
    email = portal.identities.get(kind=IdentityKind.EMAIL)
    with pytest.raises(LinkFailed):
        unlink(portal, email.pk)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (IdentityKind.TELEGRAM, "@Alice_TG"),
        (IdentityKind.WECHAT, "oLVPpjqs2BhvzwPj5A-vTYAX3GLc"),
        (IdentityKind.MESSENGER, "6512345678901234"),
        (IdentityKind.X, "1449876543210987654"),
    ],
)
def test_every_messaging_channel_links_through_the_same_function(
    portal: Contact, kind: str, value: str
) -> None:
    token = start_link(portal, kind).token
    # Messenger passes its m.me ref as the text: the bare payload is a command too.
    reply = link_commands.answer(kind, value, f"link-{token}")
    identity = confirm_link(portal, code_in(reply)).identity
    assert (identity.kind, identity.contact_id, identity.verified) == (kind, portal.pk, True)
