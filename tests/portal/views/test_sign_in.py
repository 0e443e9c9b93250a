"""Signing in with a code or a link sent by email; what fails, fails clearly and changes nothing."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from kefu.contacts.models import Contact, ContactIdentity, IdentityKind, SignInCode
from kefu.core.models import AttemptCounter
from kefu.portal import limits
from kefu.portal.session import CONTACT_SESSION_KEY
from tests.conftest import portal_client_for

pytestmark = pytest.mark.django_db

ZH_HANS = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def _ask_for_code(
    client: Client, email: str, capture: Callable[..., Any], run_tasks: Callable[[], None]
) -> str:
    """Ask for a code and deliver the mail; return the mail's body."""
    sent_before = len(mail.outbox)
    with capture(execute=True):
        response = client.post("/portal/sign-in/", {"email": email}, headers=EN)
    assert response.status_code == 302
    assert response["Location"] == "/portal/sign-in/code/"
    run_tasks()
    assert len(mail.outbox) == sent_before + 1
    return str(mail.outbox[-1].body)


def _code(body: str) -> str:
    found = re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE)
    assert found is not None, body
    return found.group(1)


def _link_path(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/portal/sign-in/[\w-]+/)", body)
    assert found is not None, body
    return found.group(1)


def _signed_in_contact_id(client: Client) -> object:
    return client.session.get(CONTACT_SESSION_KEY)


def test_home_offers_the_sign_in_form_and_the_safety_line(client: Client) -> None:
    response = client.get("/portal/", headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'action="/portal/sign-in/"' in body
    assert 'name="email"' in body
    assert "will never ask for your password, recovery phrase (助记词)" in body
    assert "/portal/verify/" in body


def test_sign_in_with_the_code_from_the_email(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    body = _ask_for_code(client, "Li.Na@Example.com", django_capture_on_commit_callbacks, run_tasks)
    message = mail.outbox[-1]
    assert message.to == ["li.na@example.com"]
    assert "15 minutes" in body
    assert "never ask you for this code" in body

    page = client.get("/portal/sign-in/code/", headers=EN)
    assert "li.na@example.com" in page.content.decode()

    response = client.post("/portal/sign-in/code/", {"code": _code(body)}, headers=EN)
    assert response.status_code == 302
    assert response["Location"] == "/portal/tickets/"
    contact = Contact.objects.get(identities__value="li.na@example.com")
    assert _signed_in_contact_id(client) == contact.pk
    assert ContactIdentity.objects.get(kind=IdentityKind.EMAIL, contact=contact).verified
    assert client.get("/portal/tickets/", headers=EN).status_code == 200


def test_a_code_typed_with_full_width_digits_and_spaces_works(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    code = _code(
        _ask_for_code(client, "w@example.com", django_capture_on_commit_callbacks, run_tasks)
    )
    typed = " ".join(chr(ord(digit) - ord("0") + ord("０")) for digit in code)
    response = client.post("/portal/sign-in/code/", {"code": typed}, headers=EN)
    assert response.status_code == 302
    assert _signed_in_contact_id(client) is not None


def test_the_answer_does_not_reveal_whether_an_address_is_known(
    client: Client, contact_factory, django_capture_on_commit_callbacks, run_tasks
) -> None:
    contact_factory(email="known@example.com")
    pages = []
    for email in ("known@example.com", "unknow@example.com"):
        other = Client()
        _ask_for_code(other, email, django_capture_on_commit_callbacks, run_tasks)
        page = other.get("/portal/sign-in/code/", headers=EN).content.decode()
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        pages.append(page.replace(email, "EMAIL"))
    assert pages[0] == pages[1]
    assert "If <strong>EMAIL</strong> can receive email" in pages[0]


def test_a_wrong_code_is_refused_and_counted(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    code = _code(
        _ask_for_code(client, "a@example.com", django_capture_on_commit_callbacks, run_tasks)
    )
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/portal/sign-in/code/", {"code": wrong}, headers=EN)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert _signed_in_contact_id(client) is None
    assert SignInCode.objects.get(email="a@example.com").attempts == 1
    # The right code still works after one mistake.
    assert client.post("/portal/sign-in/code/", {"code": code}, headers=EN).status_code == 302


def test_a_malformed_code_is_refused_without_using_an_attempt(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    _ask_for_code(client, "b@example.com", django_capture_on_commit_callbacks, run_tasks)
    response = client.post("/portal/sign-in/code/", {"code": "12ab"}, headers=EN)
    assert response.status_code == 400
    assert "Enter the 6 digits" in response.content.decode()
    assert SignInCode.objects.get(email="b@example.com").attempts == 0


def test_an_expired_code_gets_a_clear_error(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    code = _code(
        _ask_for_code(client, "c@example.com", django_capture_on_commit_callbacks, run_tasks)
    )
    SignInCode.objects.filter(email="c@example.com").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post("/portal/sign-in/code/", {"code": code}, headers=EN)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert _signed_in_contact_id(client) is None
    assert not Contact.objects.filter(identities__value="c@example.com").exists()


def test_sign_in_with_the_link_asks_before_using_it(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    path = _link_path(
        _ask_for_code(client, "d@example.com", django_capture_on_commit_callbacks, run_tasks)
    )
    elsewhere = Client()  # a link is often opened in another browser than the request
    page = elsewhere.get(path, headers=EN)
    assert page.status_code == 200
    # A mail scanner fetching the link must not burn it.
    assert SignInCode.objects.get(email="d@example.com").used_at is None
    response = elsewhere.post(path, headers=EN)
    assert response.status_code == 302
    assert response["Location"] == "/portal/tickets/"
    assert (
        _signed_in_contact_id(elsewhere)
        == Contact.objects.get(identities__value="d@example.com").pk
    )


def test_a_used_link_does_not_work_twice(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    path = _link_path(
        _ask_for_code(client, "e@example.com", django_capture_on_commit_callbacks, run_tasks)
    )
    assert Client().post(path, headers=EN).status_code == 302
    again = Client()
    response = again.post(path, headers=EN)
    assert response.status_code == 400
    assert "not valid or was already used" in response.content.decode()
    assert _signed_in_contact_id(again) is None


def test_code_requests_are_limited_per_email(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    for n in range(5):
        _ask_for_code(
            Client(REMOTE_ADDR=f"10.0.0.{n}"),
            "f@example.com",
            django_capture_on_commit_callbacks,
            run_tasks,
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(REMOTE_ADDR="10.0.0.99").post(
            "/portal/sign-in/", {"email": "F@example.com"}, headers=EN
        )
    run_tasks()
    assert response.status_code == 429
    assert "Too many sign-in codes" in response.content.decode()
    assert len(mail.outbox) == 5


def test_code_requests_are_limited_per_address_of_the_requester(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    limit = limits.CODE_REQUESTS_PER_IP.attempts
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(limit):
            client.post("/portal/sign-in/", {"email": f"g{n}@example.com"})
    response = client.post("/portal/sign-in/", {"email": "g-last@example.com"}, headers=ZH_HANS)
    run_tasks()
    assert response.status_code == 429
    assert "请求的登录验证码过多" in response.content.decode()
    assert len(mail.outbox) == limit


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Sign-in is unavailable for a moment; try again shortly."),
        ("zh-CN,zh;q=0.9", "暂时无法登录，请稍后再试。"),
        ("zh-TW,zh;q=0.9", "暫時無法登入，請稍後再試。"),
    ],
)
def test_code_requests_are_refused_when_they_cannot_be_counted(
    client: Client, django_capture_on_commit_callbacks, run_tasks, language: str, text: str
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {AttemptCounter._meta.db_table}")  # rolled back after the test
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/sign-in/", {"email": "h@example.com"}, headers={"Accept-Language": language}
        )
    run_tasks()
    assert response.status_code == 503
    assert text in response.content.decode()
    assert mail.outbox == []


def test_an_invalid_email_address_is_refused(client: Client) -> None:
    response = client.post("/portal/sign-in/", {"email": "not-an-address"}, headers=EN)
    assert response.status_code == 400
    assert "valid email address" in response.content.decode()


def test_after_signing_in_the_customer_returns_to_the_page_they_wanted(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    wanted = client.get("/portal/tickets/K-000042/", headers=EN)
    assert wanted.status_code == 302
    assert wanted["Location"] == "/portal/?next=/portal/tickets/K-000042/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/portal/sign-in/", {"email": "h@example.com", "next": "/portal/tickets/K-000042/"}
        )
    run_tasks()
    response = client.post("/portal/sign-in/code/", {"code": _code(str(mail.outbox[-1].body))})
    assert response["Location"] == "/portal/tickets/K-000042/"


def test_a_next_address_off_the_portal_is_ignored(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/sign-in/", {"email": "i@example.com", "next": "https://evil.example/"})
    run_tasks()
    response = client.post("/portal/sign-in/code/", {"code": _code(str(mail.outbox[-1].body))})
    assert response["Location"] == "/portal/tickets/"


def test_the_code_page_without_a_pending_request_goes_home(client: Client) -> None:
    assert client.get("/portal/sign-in/code/")["Location"] == "/portal/"


def test_signing_in_remembers_the_language_the_customer_reads(
    client: Client, contact_factory, django_capture_on_commit_callbacks, run_tasks
) -> None:
    contact = contact_factory(email="j@example.com", language="zh-Hans")
    client.cookies["django_language"] = "en"
    code = _code(
        _ask_for_code(client, "j@example.com", django_capture_on_commit_callbacks, run_tasks)
    )
    client.post("/portal/sign-in/code/", {"code": code})
    contact.refresh_from_db()
    assert contact.language == "en"


def test_sign_out_ends_the_session(contact_factory) -> None:
    client = portal_client_for(contact_factory())
    assert client.get("/portal/tickets/").status_code == 200
    response = client.post("/portal/sign-out/")
    assert response["Location"] == "/portal/"
    assert client.get("/portal/tickets/").status_code == 302
