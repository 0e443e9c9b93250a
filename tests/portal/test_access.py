"""Which language a portal page speaks: browser, switcher, or the signed-in customer's own."""

import pytest
from django.test import Client

from kefu.contacts.models import Contact
from tests.conftest import portal_client_for

pytestmark = pytest.mark.django_db


def test_the_browser_language_is_used_before_sign_in(client: Client) -> None:
    body = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert '<html lang="zh-Hant">' in body
    assert "用電子郵件登入" in body


def test_the_language_switcher_changes_the_page(client: Client) -> None:
    page = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'name="language" value="zh-hant"' in page
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/portal/"})
    assert response["Location"] == "/portal/"
    body = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "用電子郵件登入" in body
    assert "Kefu 客服絕不會向您索取密碼、助記詞、私鑰或驗證碼。" in body


def test_a_signed_in_customer_reads_their_own_language(contact_factory) -> None:
    contact = contact_factory(language="zh-Hant")
    body = portal_client_for(contact).get("/portal/tickets/", HTTP_ACCEPT_LANGUAGE="en").content
    assert "我的工單" in body.decode()


def test_switching_language_when_signed_in_is_remembered_on_the_contact(contact_factory) -> None:
    contact: Contact = contact_factory(language="zh-Hans")
    client = portal_client_for(contact)
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/tickets/"})
    body = client.get("/portal/tickets/").content.decode()
    assert "My tickets" in body
    contact.refresh_from_db()
    assert contact.language == "en"


def test_times_follow_the_browser_time_zone_cookie(conversation_factory) -> None:
    conversation = conversation_factory()
    client = portal_client_for(conversation.contact)
    client.cookies["kefu_tz"] = "Europe/London"
    body = client.get("/portal/tickets/").content.decode()
    assert "Europe/London" in body


@pytest.mark.parametrize(
    ("accept", "safety_line"),
    [
        ("zh-CN", "Kefu 客服绝不会向您索要密码、助记词、私钥或验证码。"),
        ("zh-TW", "Kefu 客服絕不會向您索取密碼、助記詞、私鑰或驗證碼。"),
        ("en", "Kefu support will never ask for your password, recovery phrase (助记词)"),
    ],
)
def test_every_page_carries_the_safety_line_in_the_readers_language(
    client: Client, conversation_factory, accept: str, safety_line: str
) -> None:
    conversation = conversation_factory()
    signed_in = portal_client_for(conversation.contact)
    signed_in.cookies["django_language"] = {"zh-CN": "zh-hans", "zh-TW": "zh-hant"}.get(
        accept, "en"
    )
    pages = [
        client.get("/portal/", HTTP_ACCEPT_LANGUAGE=accept),
        signed_in.get("/portal/tickets/"),
        signed_in.get(f"/portal/tickets/{conversation.reference}/"),
        signed_in.get("/portal/tickets/new/"),
        signed_in.get(f"/portal/tickets/{conversation.reference}/record.html"),
        signed_in.get("/portal/tickets/K-999999/"),
    ]
    for page in pages:
        assert safety_line in page.content.decode(), page
