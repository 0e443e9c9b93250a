"""A link command on Telegram: answered in the webhook's response, never stored; end to
end with the portal, the customer's Telegram conversations come under their account."""

import re
from collections.abc import Callable

import pytest

from kefu.contacts.models import Contact, IdentityKind, LinkRequest
from kefu.conversations.models import Conversation, Message, SearchDocument
from kefu.conversations.search.indexing import contact_terms
from tests.conftest import portal_client_for
from tests.inboxes.telegram import updates
from tests.inboxes.telegram.conftest import Webhook
from tests.inboxes.telegram.telegram_server import TelegramServer

pytestmark = pytest.mark.django_db

TOKEN_SHOWN = re.compile(r"link ([A-Z0-9]{8})")
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(email="alice@example.com", language="en")


def test_a_customer_links_telegram_and_their_conversations_meet_under_one_contact(
    webhook: Webhook, telegram: TelegramServer, alice: Contact
) -> None:
    webhook.post(updates.text("提现三天了还没到账"))
    (before,) = Conversation.objects.all()
    assert before.contact_id != alice.pk

    portal = portal_client_for(alice)
    page = portal.post("/portal/accounts/link/", {"kind": IdentityKind.TELEGRAM})
    assert page.status_code == 200
    html = page.content.decode()
    found = TOKEN_SHOWN.search(html)
    assert found is not None
    token = found[1]
    assert f"https://t.me/{webhook.bot.username}?start=link-{token}" in html

    # The deep link makes Telegram send "/start link-TOKEN".
    answer = webhook.post(updates.text(f"/start link-{token}")).json()
    assert answer["method"] == "sendMessage"
    assert answer["chat_id"] == updates.USER_ID
    assert "help-center account a•••@example.com" in answer["text"]
    code = CODE.search(answer["text"])
    assert code is not None

    confirmed = portal.post("/portal/accounts/confirm/", {"code": code[1]})
    assert confirmed.status_code == 302
    before.refresh_from_db()
    assert before.contact_id == alice.pk
    # The console's search finds the moved conversation by the customer's email.
    document = SearchDocument.objects.get(conversation=before)
    assert document.contact_terms == contact_terms(alice)
    webhook.post(updates.text("还在吗？"))
    assert {c.contact_id for c in Conversation.objects.all()} == {alice.pk}

    # Neither the command nor the code is a message; Telegram was never called by us.
    texts = list(Message.objects.values_list("text", flat=True))
    assert texts == ["提现三天了还没到账", "还在吗？"]
    assert telegram.sent("sendMessage") == []
    accounts = portal.get("/portal/accounts/").content.decode()
    assert "•••" + str(updates.USER_ID)[-4:] in accounts


@pytest.mark.parametrize("text", ["link K7P2QX9M", "绑定 K7P2QX9M", "/start link-K7P2QX9M"])
def test_an_unknown_token_is_refused_in_the_users_language_and_nothing_stored(
    webhook: Webhook, text: str
) -> None:
    update = updates.text(text, sender=updates.user(language_code="zh-hant"))
    answer = webhook.post(update).json()
    assert answer["text"].startswith("此綁定請求無效")
    assert not CODE.search(answer["text"])
    assert not Message.objects.exists()
    assert not Contact.objects.filter(identities__kind=IdentityKind.TELEGRAM).exists()


def test_plain_start_is_still_greeted(webhook: Webhook) -> None:
    answer = webhook.post(updates.text("/start")).json()
    assert "customer support" in answer["text"] or "客服" in answer["text"]
    assert not LinkRequest.objects.exists()
