"""The Linked accounts page: the customer's accounts, masked; a link started and confirmed
by the customer only; a wrong or foreign code refused without echo."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from kefu.contacts import link_commands
from kefu.contacts.actions import find_or_create_contact
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind, LinkRequest
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.telegram.models import TelegramBot
from kefu.inboxes.wechat.models import WeChatAccount
from tests.portal.conftest import client_reading

pytestmark = pytest.mark.django_db

TOKEN_SHOWN = re.compile(r"link ([A-Z0-9]{8})")
CODE = re.compile(r"\b(\d{6})\b")
TELEGRAM_ID = "7012345678"


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(email="alice@example.com", language="en")


@pytest.fixture
def bot(db: None) -> TelegramBot:
    inbox = Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)
    return TelegramBot.objects.create(inbox=inbox, token="1:x", username="kefu_support_bot")


def _start(client: Client, kind: str = IdentityKind.TELEGRAM) -> str:
    response = client.post("/portal/accounts/link/", {"kind": kind})
    assert response.status_code == 200
    found = TOKEN_SHOWN.search(response.content.decode())
    assert found is not None
    return found[1]


def _code(token: str, value: str = TELEGRAM_ID) -> str:
    reply = link_commands.answer(IdentityKind.TELEGRAM, value, f"link {token}")
    assert reply is not None
    found = CODE.search(reply)
    assert found is not None
    return found[1]


def test_the_page_needs_a_signed_in_customer(client: Client) -> None:
    response = client.get("/portal/accounts/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/?next=/portal/accounts/"


def test_the_page_lists_the_accounts_masked_and_the_channels_with_an_inbox(
    alice: Contact, bot: TelegramBot
) -> None:
    response = client_reading(alice).get("/portal/accounts/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "a•••@example.com" in body
    assert "alice@example.com" not in body
    assert "@kefu_support_bot" in body
    assert 'value="telegram"' in body
    assert 'value="wechat"' not in body  # no WeChat account here
    assert 'href="/portal/accounts/"' in body  # in the navigation


def test_an_inactive_inbox_offers_no_link(alice: Contact, bot: TelegramBot) -> None:
    Inbox.objects.update(is_active=False)
    body = client_reading(alice).get("/portal/accounts/").content.decode()
    assert 'value="telegram"' not in body


def test_starting_shows_the_command_and_the_deep_link_once(
    alice: Contact, bot: TelegramBot
) -> None:
    client = client_reading(alice)
    token = _start(client)
    body = client.post("/portal/accounts/link/", {"kind": "telegram"}).content.decode()
    assert token not in body  # a second request has a new token; the first is retired
    assert "https://t.me/kefu_support_bot?start=link-" in body
    assert token not in client.get("/portal/accounts/").content.decode()
    assert LinkRequest.objects.filter(used_at__isnull=True).count() == 1


def test_a_channel_without_an_inbox_cannot_be_started(alice: Contact) -> None:
    response = client_reading(alice).post("/portal/accounts/link/", {"kind": "wechat"})
    assert response.status_code == 302
    assert not LinkRequest.objects.exists()


def test_the_confirmed_code_links_the_account(alice: Contact, bot: TelegramBot) -> None:
    find_or_create_contact(IdentityKind.TELEGRAM, TELEGRAM_ID)
    client = client_reading(alice)
    code = _code(_start(client))
    response = client.post("/portal/accounts/confirm/", {"code": code}, follow=True)
    body = response.content.decode()
    assert "Your Telegram account is linked." in body
    assert "•••5678" in body
    assert ContactIdentity.objects.get(kind="telegram").contact_id == alice.pk


def test_a_wrong_code_is_refused_without_echo(alice: Contact, bot: TelegramBot) -> None:
    client = client_reading(alice)
    code = _code(_start(client))
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    response = client.post("/portal/accounts/confirm/", {"code": wrong})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This code is not valid." in body
    assert wrong not in body
    assert code not in body
    assert LinkRequest.objects.get().attempts == 1


def test_a_malformed_code_is_a_form_error_and_counts_nothing(
    alice: Contact, bot: TelegramBot
) -> None:
    client = client_reading(alice)
    _code(_start(client))
    response = client.post("/portal/accounts/confirm/", {"code": "12ab"})
    assert response.status_code == 400
    assert "12ab" not in response.content.decode()
    assert LinkRequest.objects.get().attempts == 0


def test_a_code_typed_in_another_customers_session_links_nothing(
    alice: Contact, bot: TelegramBot, contact_factory: Callable[..., Contact]
) -> None:
    telegram_contact = find_or_create_contact(IdentityKind.TELEGRAM, TELEGRAM_ID)
    code = _code(_start(client_reading(alice)))
    mallory = contact_factory(email="mallory@example.com")
    response = client_reading(mallory).post("/portal/accounts/confirm/", {"code": code})
    assert response.status_code == 400
    assert ContactIdentity.objects.get(kind="telegram").contact_id == telegram_contact.pk


def test_the_page_reads_in_chinese(alice: Contact, bot: TelegramBot) -> None:
    for language, title in (("zh-Hans", "已绑定账号"), ("zh-Hant", "已綁定帳號")):
        body = client_reading(alice, language).get("/portal/accounts/").content.decode()
        assert title in body


def test_unlinking_from_the_page(alice: Contact, bot: TelegramBot) -> None:
    client = client_reading(alice)
    client.post("/portal/accounts/confirm/", {"code": _code(_start(client))})
    identity = ContactIdentity.objects.get(kind="telegram")
    response = client.post("/portal/accounts/unlink/", {"identity": identity.pk}, follow=True)
    assert "The account is no longer linked to yours." in response.content.decode()
    identity.refresh_from_db()
    assert identity.contact_id != alice.pk


def test_another_customers_account_cannot_be_unlinked(
    alice: Contact, contact_factory: Callable[..., Contact]
) -> None:
    other = find_or_create_contact(IdentityKind.TELEGRAM, TELEGRAM_ID)
    identity = other.identities.get()
    client_reading(alice).post("/portal/accounts/unlink/", {"identity": identity.pk})
    identity.refresh_from_db()
    assert identity.contact_id == other.pk


def test_the_wechat_link_shows_the_official_account(alice: Contact) -> None:
    inbox = Inbox.objects.create(name="WeChat", channel=Channel.WECHAT)
    WeChatAccount.objects.create(
        inbox=inbox, app_id="wx1", app_secret="s", token="t", original_id="gh_1",
        display_name="Kefu Support", wechat_id="kefu_cs",
    )  # fmt: skip
    body = client_reading(alice).post("/portal/accounts/link/", {"kind": "wechat"}).content
    assert "Kefu Support (kefu_cs)" in body.decode()
