"""The customer's side of an identity verification case in the portal: the codes the
platform sends to the registered contacts, the questions, the documents, cancelling, and
the public cancel link from the notice to the old registered contacts."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.platform import errors
from kefu.platform.connector import ConnectorError, ErrorCode
from kefu.platform.demo import DemoConnector
from kefu.platform.models import DemoAccount, DemoNotice
from kefu.verification import actions
from kefu.verification.models import (
    CaseKind,
    CaseState,
    CheckKind,
    CheckState,
    VerificationCase,
    VerificationCheck,
    VerificationPolicy,
)
from tests.portal.conftest import client_reading
from tests.verification.conftest import (  # noqa: F401  (fixtures)
    DEPOSIT,
    LAST_REGION,
    REGISTERED_NAME,
    _fresh_state,
    case_conversation,
    customer,
    last_code,
    platform_account,
)

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
ALERT = re.compile(r'role="alert"><p>(.*?)</p>', re.DOTALL)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def unlock_case(
    case_conversation: Conversation,  # noqa: F811
    agent_factory: Callable[..., Agent],
) -> VerificationCase:
    """An unlock case whose policy asks for everything the portal can show."""
    VerificationPolicy.objects.update_or_create(
        kind=CaseKind.UNLOCK,
        defaults={
            "required_checks": [
                CheckKind.EMAIL_CODE,
                CheckKind.PHONE_CODE,
                CheckKind.KNOWLEDGE,
                CheckKind.ID_DOCUMENT,
                CheckKind.PLATFORM_STATE,
            ],
            "approver_role": Role.L2,
            "cool_down_hours": 1,
        },
    )
    agent = agent_factory(role=Role.L1)
    return actions.open_case(conversation=case_conversation, agent=agent, kind=CaseKind.UNLOCK)


def page_of(case: VerificationCase) -> str:
    return f"/portal/identity/{case.uuid}/"


def check_of(case: VerificationCase, kind: str) -> VerificationCheck:
    return case.checks.get(kind=kind)


def check_url(case: VerificationCase, kind: str, step: str) -> str:
    return f"{page_of(case)}checks/{check_of(case, kind).pk}/{step}/"


def alerts(html: str) -> list[str]:
    return [text.strip() for text in ALERT.findall(html)]


def test_another_customers_case_is_not_found(
    unlock_case: VerificationCase, contact_factory: Callable[..., Contact]
) -> None:
    stranger = client_reading(contact_factory())
    response = stranger.get(page_of(unlock_case))
    assert response.status_code == 404
    assert unlock_case.reference not in response.content.decode()
    send = stranger.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "send"))
    assert send.status_code == 404
    assert not DemoNotice.objects.filter(template="verification_code").exists()
    assert stranger.post(f"{page_of(unlock_case)}cancel/").status_code == 404
    unlock_case.refresh_from_db()
    assert unlock_case.state == CaseState.OPEN
    unknown = "/portal/identity/00000000-0000-4000-8000-000000000000/"
    assert client_reading(unlock_case.contact).get(unknown).status_code == 404


def test_the_case_list_shows_the_customers_cases(unlock_case: VerificationCase) -> None:
    client = client_reading(unlock_case.contact)
    html = client.get("/portal/identity/").content.decode()
    assert "Unlock the account" in html
    assert unlock_case.reference in html
    assert page_of(unlock_case) in html
    assert "Waiting for your checks" in html
    assert 'href="/portal/identity/"' in client.get("/portal/").content.decode()


def test_a_customer_walks_an_unlock_case(unlock_case: VerificationCase) -> None:
    client = client_reading(unlock_case.contact)
    html = client.get(page_of(unlock_case)).content.decode()
    assert "Unlock the account" in html
    assert unlock_case.reference in html
    assert "Send me a code" in html
    assert "support will never ask you for it in a chat" in html.lower()

    sent = client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "send"))
    assert sent.status_code == 302
    html = client.get(sent["Location"]).content.decode()
    hint = check_of(unlock_case, CheckKind.EMAIL_CODE).destination_hint
    assert hint
    assert f"A code was sent to {hint}." in html
    assert "registered@example.com" not in html

    code = last_code("email")
    answered = client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "code"), {"code": code})
    assert answered.status_code == 302
    assert check_of(unlock_case, CheckKind.EMAIL_CODE).state == CheckState.PASSED
    html = client.get(page_of(unlock_case)).content.decode()
    assert "✓" in html

    client.post(check_url(unlock_case, CheckKind.PHONE_CODE, "send"))
    # Full-width digits with a space, as a Chinese input method types them.
    typed = " ".join(chr(ord("０") + int(d)) for d in last_code("phone"))
    client.post(check_url(unlock_case, CheckKind.PHONE_CODE, "code"), {"code": typed})
    assert check_of(unlock_case, CheckKind.PHONE_CODE).state == CheckState.PASSED

    answers = {
        "registered_name": REGISTERED_NAME,
        "last_login_region": LAST_REGION,
        "recent_deposit": str(DEPOSIT),
    }
    answered = client.post(check_url(unlock_case, CheckKind.KNOWLEDGE, "answers"), answers)
    assert answered.status_code == 302
    assert check_of(unlock_case, CheckKind.KNOWLEDGE).state != CheckState.PENDING

    upload = client.post(
        check_url(unlock_case, CheckKind.ID_DOCUMENT, "documents"),
        {"front": _file("id.png", PNG)},
    )
    assert upload.status_code == 302
    assert check_of(unlock_case, CheckKind.ID_DOCUMENT).state == CheckState.SUBMITTED
    html = client.get(page_of(unlock_case)).content.decode()
    assert "Received, awaiting review." in html

    cancelled = client.post(f"{page_of(unlock_case)}cancel/")
    assert cancelled.status_code == 302
    unlock_case.refresh_from_db()
    assert unlock_case.state == CaseState.CANCELLED
    html = client.get(page_of(unlock_case)).content.decode()
    assert "This request was cancelled." in html
    assert "Send me a code" not in html


def test_a_wrong_code_is_refused_in_the_customers_language(
    unlock_case: VerificationCase,
) -> None:
    client = client_reading(unlock_case.contact, "zh-Hans")
    client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "send"))
    wrong = "111111" if last_code("email") != "111111" else "222222"
    response = client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "code"), {"code": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    [message] = alerts(html)
    assert CJK.search(message)
    assert not re.search(r"[A-Za-z]{3,}", message)
    assert wrong not in html  # the typed code is not shown back
    assert 'name="code"' in html  # and the form is there for another try
    assert check_of(unlock_case, CheckKind.EMAIL_CODE).state == CheckState.PENDING


def test_a_code_that_is_not_digits_is_refused_by_the_form(unlock_case: VerificationCase) -> None:
    client = client_reading(unlock_case.contact)
    client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "send"))
    response = client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "code"), {"code": "abc"})
    assert response.status_code == 400
    assert "Enter the digits of the code you received." in response.content.decode()


def test_an_oversized_file_is_refused_with_the_limit(
    unlock_case: VerificationCase, settings: object
) -> None:
    client = client_reading(unlock_case.contact)
    html = client.get(page_of(unlock_case)).content.decode()
    assert 'accept="image/jpeg,image/png,application/pdf"' in html
    assert "up to 10.0" in html  # the limit is said before the upload
    big = PNG + b"\0" * (10 * 1024 * 1024)
    response = client.post(
        check_url(unlock_case, CheckKind.ID_DOCUMENT, "documents"), {"front": _file("id.png", big)}
    )
    assert response.status_code == 400
    assert alerts(response.content.decode())
    assert check_of(unlock_case, CheckKind.ID_DOCUMENT).state == CheckState.PENDING
    assert not unlock_case.documents.exists()


def test_the_page_never_shows_the_expected_answers(unlock_case: VerificationCase) -> None:
    client = client_reading(unlock_case.contact)
    client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "send"))
    for language in ("en", "zh-Hans"):
        html = client_reading(unlock_case.contact, language).get(page_of(unlock_case))
        text = html.content.decode()
        assert 'name="registered_name"' in text
        for secret in (REGISTERED_NAME, LAST_REGION, str(DEPOSIT), "Hangzhou"):
            assert secret not in text


def test_the_pages_read_in_traditional_chinese(unlock_case: VerificationCase) -> None:
    client = client_reading(unlock_case.contact, "zh-Hant")
    for url in ("/portal/identity/", page_of(unlock_case)):
        html = client.get(url).content.decode()
        for english in (
            "Identity verification",
            "Unlock the account",
            "Waiting for your checks",
            "To do",
            "Send me a code",
            "Cancel this request",
            "Checks",
            "Code sent to the registered email",
        ):
            assert english not in html, (url, english)
    ticket = client.get(f"/portal/tickets/{unlock_case.conversation.reference}/")
    html = ticket.content.decode()
    assert "Identity verification in progress" not in html
    assert page_of(unlock_case) in html


def test_the_ticket_page_links_to_the_active_case(unlock_case: VerificationCase) -> None:
    client = client_reading(unlock_case.contact)
    html = client.get(f"/portal/tickets/{unlock_case.conversation.reference}/").content.decode()
    assert "Identity verification in progress" in html
    assert page_of(unlock_case) in html
    assert 'href="/portal/identity/"' in html  # and the menu leads to all of them
    actions.cancel_by_customer(case=unlock_case, contact=unlock_case.contact)
    html = client.get(f"/portal/tickets/{unlock_case.conversation.reference}/").content.decode()
    assert "Identity verification in progress" not in html


def test_a_change_case_asks_for_the_new_value(
    case_conversation: Conversation,  # noqa: F811
    agent_factory: Callable[..., Agent],
) -> None:
    case = actions.open_case(
        conversation=case_conversation, agent=agent_factory(), kind=CaseKind.CHANGE_EMAIL
    )
    client = client_reading(case.contact)
    html = client.get(page_of(case)).content.decode()
    assert "New email address" in html
    refused = client.post(f"{page_of(case)}change/", {"email": "not an address"})
    assert refused.status_code == 400
    saved = client.post(f"{page_of(case)}change/", {"email": "new@example.org"})
    assert saved.status_code == 302
    case.refresh_from_db()
    assert case.requested_change == {"email": "new@example.org"}


class PlatformDown(DemoConnector):
    """The demo back end with its code sending unreachable, as a network outage leaves it."""

    def send_code(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectorError("connection refused", code=ErrorCode.UNAVAILABLE)


def test_the_platform_down_is_said_and_the_code_can_be_asked_for_again(
    unlock_case: VerificationCase, settings: Any
) -> None:
    settings.KEFU_PLATFORM_CONNECTOR = f"{__name__}.PlatformDown"
    client = client_reading(unlock_case.contact, "zh-Hant")
    response = client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "send"))
    assert response.status_code == 400
    html = response.content.decode()
    # The platform's own text for the outage, as its catalogue words it for this reader.
    with translation.override("zh-hant"):
        assert alerts(html) == [str(errors.TEXTS[ErrorCode.UNAVAILABLE])]
    assert "傳送驗證碼" in html  # the button is there to try again
    settings.KEFU_PLATFORM_CONNECTOR = "kefu.platform.demo.DemoConnector"
    assert client.post(check_url(unlock_case, CheckKind.EMAIL_CODE, "send")).status_code == 302


def test_the_customers_own_security_lock_is_explained(
    unlock_case: VerificationCase, agent_factory: Callable[..., Agent]
) -> None:
    until = timezone.now() + timedelta(days=2)
    DemoAccount.objects.filter(user_id=unlock_case.platform_user_id).update(user_lock_until=until)
    actions.refresh_platform_state(
        check=check_of(unlock_case, CheckKind.PLATFORM_STATE), agent=agent_factory()
    )
    html = client_reading(unlock_case.contact).get(page_of(unlock_case)).content.decode()
    assert "Your own security lock is on until" in html
    assert "Nobody, support included, can change your account before then." in html


def test_the_cancel_link_asks_before_it_cancels(
    case_conversation: Conversation,  # noqa: F811
    agent_factory: Callable[..., Agent],
) -> None:
    owner = agent_factory(role=Role.L1)
    case = actions.open_case(conversation=case_conversation, agent=owner, kind=CaseKind.UNLOCK)
    token = _approved_with_token(case, owner, approver=agent_factory(role=Role.L2))
    visitor = Client(headers={"accept-language": "en"})
    shown = visitor.get(f"/portal/identity/cancel/{token}/")
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "Cancel the pending change" in html
    # Whoever holds the link learns nothing about the case.
    assert case.reference not in html
    assert "Unlock" not in html
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    own_page = client_reading(case.contact).get(page_of(case)).content.decode()
    assert "Approved. The change will be made at" in own_page
    assert "a notice with a cancel link was sent to your registered email and phone" in own_page

    done = visitor.post(f"/portal/identity/cancel/{token}/")
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CANCELLED
    html = visitor.get(done["Location"]).content.decode()
    assert "change your password" in html.lower()
    # A second click finds it cancelled, which is all the person needs to know.
    assert visitor.post(f"/portal/identity/cancel/{token}/").status_code == 302


def test_the_cancel_link_of_a_case_past_cancelling_is_no_longer_valid(
    case_conversation: Conversation,  # noqa: F811
    agent_factory: Callable[..., Agent],
) -> None:
    owner = agent_factory(role=Role.L1)
    case = actions.open_case(conversation=case_conversation, agent=owner, kind=CaseKind.UNLOCK)
    token = _approved_with_token(case, owner, approver=agent_factory(role=Role.L2))
    VerificationCase.objects.filter(pk=case.pk).update(executes_at=timezone.now())
    actions.execute_due()
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTED
    own_page = client_reading(case.contact).get(page_of(case)).content.decode()
    assert "Done: the change was made on your account." in own_page
    response = Client(headers={"accept-language": "en"}).post(f"/portal/identity/cancel/{token}/")
    assert response.status_code == 404
    assert "This link is no longer valid" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTED


def test_an_unknown_cancel_link_says_it_is_not_valid_in_the_visitors_language(db: None) -> None:
    visitor = Client(headers={"accept-language": "zh-CN"})
    response = visitor.post("/portal/identity/cancel/not-a-real-token/")
    assert response.status_code == 404
    [message] = alerts(response.content.decode())
    assert CJK.search(message)


def test_cancel_link_posts_are_rate_limited(db: None) -> None:
    visitor = Client()
    statuses = [visitor.post(f"/portal/identity/cancel/guess-{n}/").status_code for n in range(12)]
    assert statuses[:10] == [404] * 10
    assert statuses[-1] == 429


def _file(name: str, content: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def _approved_with_token(case: VerificationCase, owner: Agent, *, approver: Agent) -> str:
    """Pass the default unlock checks, propose and approve; the cancel link's token, as
    the demo platform's notice to the old registered email carries it."""
    for kind, channel in ((CheckKind.EMAIL_CODE, "email"), (CheckKind.PHONE_CODE, "phone")):
        check = actions.send_code(check=check_of(case, kind), contact=case.contact)
        actions.submit_code(check=check, contact=case.contact, code=last_code(channel))
    actions.refresh_platform_state(check=check_of(case, CheckKind.PLATFORM_STATE), agent=owner)
    actions.propose(case=case, agent=owner, note="两个验证码都正确")
    actions.approve(case=case, agent=approver, reason="核实无误")
    notice = DemoNotice.objects.filter(template="change_pending", channel="email").first()
    assert notice is not None
    return str(notice.params["cancel_url"]).rstrip("/").rsplit("/", 1)[-1]
