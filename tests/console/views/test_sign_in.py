"""Sign-in: password, TOTP enrolment with recovery codes, verification, throttling, logout."""

import re

import pytest
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.agents import two_factor
from kefu.agents.models import Agent
from kefu.console import sign_in
from kefu.core.models import AttemptCounter

PASSWORD = "correct horse battery staple"


def code_for(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def password_step(client: Client, agent: Agent, password: str = PASSWORD):
    return client.post("/console/login/", {"username": agent.username, "password": password})


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def enrolled(agent: Agent) -> TOTPDevice:
    return TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)


def test_login_page_renders(client):
    response = client.get("/console/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_wrong_password_is_refused_with_a_clear_error(client, agent):
    response = password_step(client, agent, "wrong")
    assert response.status_code == 400
    assert "The username or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_lock_the_username_for_a_while(client, agent):
    for _ in range(sign_in.PASSWORD_ATTEMPTS.attempts):
        password_step(client, agent, "wrong")
    response = password_step(client, agent)  # even the right password now waits
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert sign_in.PENDING_KEY not in client.session


def test_a_locked_account_is_refused_without_checking_the_password(client, agent, password_checks):
    for _ in range(sign_in.PASSWORD_ATTEMPTS.attempts):
        password_step(client, agent, "wrong")
    assert password_checks.count == sign_in.PASSWORD_ATTEMPTS.attempts
    for password in ("wrong", PASSWORD, "wrong again"):
        assert password_step(client, agent, password).status_code == 429
    assert password_checks.count == sign_in.PASSWORD_ATTEMPTS.attempts


def test_the_lock_out_counts_the_username_whatever_its_case_and_spaces(client, agent):
    for variant in (agent.username.upper(), f" {agent.username}", agent.username.title()):
        client.post("/console/login/", {"username": variant, "password": "wrong"})
    for _ in range(sign_in.PASSWORD_ATTEMPTS.attempts - 3):
        password_step(client, agent, "wrong")
    assert password_step(client, agent).status_code == 429


def test_the_right_password_clears_the_count_of_wrong_ones(client, agent):
    enrolled(agent)
    for _ in range(sign_in.PASSWORD_ATTEMPTS.attempts - 1):
        password_step(client, agent, "wrong")
    assert password_step(client, agent).status_code == 302
    for _ in range(sign_in.PASSWORD_ATTEMPTS.attempts - 1):
        password_step(Client(), agent, "wrong")
    assert password_step(Client(), agent).status_code == 302


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Sign-in is unavailable for a moment; try again shortly."),
        ("zh-hans", "暂时无法登录，请稍后再试。"),
        ("zh-hant", "暫時無法登入，請稍後再試。"),
    ],
)
def test_sign_in_fails_closed_when_attempts_cannot_be_counted(
    agent, password_checks, language, text
):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {AttemptCounter._meta.db_table}")  # rolled back after the test
    client = Client(headers={"Accept-Language": language})
    response = password_step(client, agent)
    assert response.status_code == 503
    assert text in response.content.decode()
    assert password_checks.count == 0
    assert sign_in.PENDING_KEY not in client.session


def test_a_password_alone_does_not_sign_in(client, agent):
    enrolled(agent)
    response = password_step(client, agent)
    assert response.status_code == 302
    assert response["Location"] == "/console/login/verify/"
    # Nothing outside the console may treat this session as signed in.
    assert "_auth_user_id" not in client.session
    assert client.get("/console/").status_code == 302


def test_first_sign_in_leads_to_enrolment_with_a_qr_code_and_the_key(client, agent):
    response = password_step(client, agent)
    assert response["Location"] == "/console/login/enrol/"
    page = client.get("/console/login/enrol/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert 'class="segno"' in html
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    secret = "".join(re.findall(r"<span>([A-Z2-7]{1,4})</span>", html))
    from base64 import b32encode

    assert secret == b32encode(device.bin_key).decode()
    # A reload shows the same key, so a half-scanned code stays valid.
    client.get("/console/login/enrol/")
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_enrolment_refuses_a_wrong_code_and_confirms_a_right_one(client, agent, no_throttle):
    password_step(client, agent)
    client.get("/console/login/enrol/")
    device = TOTPDevice.objects.get(user=agent)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    refused = client.post("/console/login/enrol/", {"code": wrong})
    assert refused.status_code == 400
    assert "That code is not correct" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    confirmed = client.post("/console/login/enrol/", {"code": code_for(device)})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/console/login/recovery-codes/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    codes_page = client.get("/console/login/recovery-codes/")
    assert codes_page.status_code == 200
    shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page.content.decode())
    assert len(shown) == two_factor.RECOVERY_CODE_COUNT
    stored = set(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))
    assert {code.replace("-", "") for code in shown} == stored
    # Shown once: the next visit goes to the inbox.
    assert client.get("/console/login/recovery-codes/")["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_a_code_right_after_a_wrong_one_is_throttled(client, agent):
    password_step(client, agent)
    client.get("/console/login/enrol/")
    device = TOTPDevice.objects.get(user=agent)
    client.post(
        "/console/login/enrol/", {"code": "000000" if code_for(device) != "000000" else "1"}
    )
    response = client.post("/console/login/enrol/", {"code": code_for(device)})
    assert response.status_code == 429
    device.refresh_from_db()
    assert not device.confirmed


def test_enrolled_agent_signs_in_with_a_totp_code(client, agent):
    device = enrolled(agent)
    response = password_step(client, agent)
    assert response["Location"] == "/console/login/verify/"
    assert client.get("/console/login/verify/").status_code == 200
    verified = client.post("/console/login/verify/", {"code": code_for(device)})
    assert verified.status_code == 302
    assert verified["Location"] == "/console/"
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.get("/console/").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, agent, conversation_factory):
    device = enrolled(agent)
    conversation = conversation_factory()
    url = f"/console/c/{conversation.reference}/"
    assert client.get(url)["Location"] == f"/console/login/?next={url.replace('/', '%2F')}"
    client.post("/console/login/", {"username": agent.username, "password": PASSWORD, "next": url})
    assert client.post("/console/login/verify/", {"code": code_for(device)})["Location"] == url


def test_sign_in_ignores_an_offsite_next(client, agent):
    device = enrolled(agent)
    client.post(
        "/console/login/",
        {"username": agent.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert client.post("/console/login/verify/", {"code": code_for(device)})["Location"] == (
        "/console/"
    )


def test_wrong_totp_code_is_refused(client, agent):
    device = enrolled(agent)
    password_step(client, agent)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/console/login/verify/", {"code": wrong})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(agent, no_throttle):
    enrolled(agent)
    codes = two_factor.issue_recovery_codes(agent)
    first = Client(headers={"Accept-Language": "en"})
    password_step(first, agent)
    response = first.post("/console/login/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert first.get("/console/").status_code == 200
    assert StaticToken.objects.filter(device__user=agent).count() == len(codes) - 1

    second = Client(headers={"Accept-Language": "en"})
    password_step(second, agent)
    again = second.post("/console/login/verify/", {"code": codes[0]})
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    assert second.get("/console/").status_code == 302


def test_pending_sign_in_expires(client, agent, monkeypatch):
    enrolled(agent)
    password_step(client, agent)
    monkeypatch.setattr(sign_in, "PENDING_SECONDS", -1)
    assert client.get("/console/login/verify/")["Location"] == "/console/login/"


def test_pending_sign_in_ends_when_the_password_changes(client, agent):
    enrolled(agent)
    password_step(client, agent)
    agent.set_password("another long password 123")
    agent.save()
    assert client.get("/console/login/verify/")["Location"] == "/console/login/"


def test_verified_agent_skips_the_login_page(agent_client):
    assert agent_client.get("/console/login/")["Location"] == "/console/"


def test_logout_ends_the_session(agent_client):
    response = agent_client.post("/console/logout/")
    assert response["Location"] == "/console/login/"
    assert agent_client.get("/console/").status_code == 302


def test_logout_needs_post(agent_client):
    assert agent_client.get("/console/logout/").status_code == 405


def test_enrolment_keeps_the_browser_language_to_the_end(agent_factory, no_throttle):
    # A new agent has chosen no language yet: every step, including the recovery codes
    # shown after Django's login, follows the browser instead of a stored default.
    newcomer = agent_factory(username="newcomer")
    client = Client(headers={"Accept-Language": "en"})
    password_step(client, newcomer)
    assert "Set up two-factor" in client.get("/console/login/enrol/").content.decode()
    device = TOTPDevice.objects.get(user=newcomer)
    client.post("/console/login/enrol/", {"code": code_for(device)})
    codes_page = client.get("/console/login/recovery-codes/").content.decode()
    assert "Save your recovery codes" in codes_page
    assert 'lang="en"' in codes_page
