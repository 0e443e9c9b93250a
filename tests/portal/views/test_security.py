"""The anti-phishing code: set, changed and cleared only right after signing in, shown masked."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.portal.session import CONTACT_SESSION_KEY, SIGNED_IN_AT_SESSION_KEY
from kefu.portal.views.security import masked
from tests.portal.conftest import client_reading

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}


def _client(contact: Contact, *, minutes_ago: int, language: str = "en") -> Client:
    client = client_reading(contact, language)
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = (
        timezone.now() - timedelta(minutes=minutes_ago)
    ).isoformat()
    session.save()
    return client


@pytest.fixture
def contact(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(language="en")


def test_the_page_needs_a_signed_in_customer(client: Client) -> None:
    response = client.get("/portal/security/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/?next=/portal/security/"


def test_the_page_explains_the_code(contact: Contact) -> None:
    response = _client(contact, minutes_ago=1).get("/portal/security/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Every email we send you will show this code." in body
    assert "You have not set an anti-phishing code yet." in body
    assert 'name="code"' in body


def test_a_code_is_set_right_after_signing_in(contact: Contact) -> None:
    client = _client(contact, minutes_ago=2)
    response = client.post("/portal/security/", {"code": "  blue teapot 42 "})
    assert response.status_code == 302
    assert response["Location"] == "/portal/security/"
    contact.refresh_from_db()
    assert contact.anti_phishing_code == "blue teapot 42"
    body = client.get("/portal/security/").content.decode()
    assert "Your anti-phishing code is saved." in body
    assert 'Your code is set: <span class="masked-code">••••••42</span>' in body
    assert "blue teapot" not in body


def test_the_code_is_shown_masked_except_its_last_two_characters() -> None:
    assert masked("blue teapot 42") == "••••••42"
    assert masked("蓝色茶壶") == "••••••茶壶"
    assert masked("") == ""


def test_a_stale_sign_in_changes_nothing_and_offers_to_sign_in_again(contact: Contact) -> None:
    contact.anti_phishing_code = "old-code"
    contact.save(update_fields=["anti_phishing_code"])
    client = _client(contact, minutes_ago=11)
    response = client.post("/portal/security/", {"code": "new-code"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Please sign in again first." in body
    assert "within 10 minutes of signing in" in body
    assert 'action="/portal/security/sign-in-again/"' in body
    assert "Your code has not been changed." in body
    contact.refresh_from_db()
    assert contact.anti_phishing_code == "old-code"


def test_a_stale_sign_in_cannot_clear_the_code_either(contact: Contact) -> None:
    contact.anti_phishing_code = "old-code"
    contact.save(update_fields=["anti_phishing_code"])
    response = _client(contact, minutes_ago=30).post("/portal/security/", {"clear": "1"})
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.anti_phishing_code == "old-code"


def test_a_session_without_a_sign_in_time_counts_as_stale(contact: Contact) -> None:
    client = client_reading(contact)
    assert "Please sign in again first." in client.get("/portal/security/").content.decode()
    assert client.post("/portal/security/", {"code": "new-code"}).status_code == 403


def test_the_page_says_up_front_when_the_sign_in_is_too_old(contact: Contact) -> None:
    body = _client(contact, minutes_ago=15).get("/portal/security/").content.decode()
    assert "Please sign in again first." in body
    assert "has not been changed" not in body
    assert 'name="code"' not in body


def test_signing_in_again_signs_out_and_comes_back_here(contact: Contact) -> None:
    client = _client(contact, minutes_ago=15)
    response = client.post("/portal/security/sign-in-again/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/?next=/portal/security/"
    assert CONTACT_SESSION_KEY not in client.session
    home = client.get(response["Location"], headers=EN).content.decode()
    assert 'name="next" value="/portal/security/"' in home
    assert "Sign in again to change your anti-phishing code." in home


def test_the_code_is_cleared(contact: Contact) -> None:
    contact.anti_phishing_code = "old-code"
    contact.save(update_fields=["anti_phishing_code"])
    client = _client(contact, minutes_ago=1)
    assert "Remove my code" in client.get("/portal/security/").content.decode()
    response = client.post("/portal/security/", {"clear": "1"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.anti_phishing_code == ""
    assert "Your anti-phishing code is removed." in client.get("/portal/security/").content.decode()


@pytest.mark.parametrize(("code", "error"), [("abc", "Use 4 to 20 characters."), ("", "required")])
def test_a_bad_code_is_refused_next_to_the_field(contact: Contact, code: str, error: str) -> None:
    response = _client(contact, minutes_ago=1).post("/portal/security/", {"code": code})
    assert response.status_code == 400
    assert error in response.content.decode()
    contact.refresh_from_db()
    assert contact.anti_phishing_code == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-Hans", "防钓鱼码"), ("zh-Hant", "防釣魚碼"), ("en", "Anti-phishing code")],
)
def test_the_page_speaks_the_customers_language(
    contact: Contact, language: str, expected: str
) -> None:
    body = _client(contact, minutes_ago=1, language=language).get("/portal/security/")
    assert f'<h1 id="security-title">{expected}</h1>' in body.content.decode()


def test_the_header_links_the_security_page_for_signed_in_customers(
    contact: Contact, client: Client
) -> None:
    assert (
        'href="/portal/security/"'
        in _client(contact, minutes_ago=1).get("/portal/").content.decode()
    )
    assert 'href="/portal/security/"' not in client.get("/portal/").content.decode()
