"""The admin signs in through the console: one lock-out and one second factor for both."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.agents.models import Agent, Role
from kefu.console import sign_in
from tests.conftest import verified_client

PASSWORD = "correct horse battery staple"


@pytest.fixture
def administrator(agent_factory) -> Agent:
    return agent_factory(role=Role.ADMIN, language="en")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def admin_login(client: Client, agent: Agent, password: str, otp_token: str = ""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": agent.username, "password": password, "otp_token": otp_token},
    )


def test_the_admin_login_page_sends_to_the_console_sign_in(client):
    response = client.get("/admin/login/?next=/admin/agents/agent/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/console/login/"
    assert parse_qs(target.query) == {"next": ["/admin/agents/agent/"]}


def test_the_admin_sends_a_visitor_to_sign_in_and_back(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/console/login/?next=%2Fadmin%2F"
    assert b'name="password"' in response.content


def test_passwords_posted_to_the_admin_login_are_never_checked(
    client, administrator, password_checks
):
    for n in range(20):
        response = admin_login(client, administrator, f"guess {n}")
        assert response.status_code == 302
        assert response["Location"].startswith("/console/login/")
    assert password_checks.count == 0
    assert "_auth_user_id" not in client.session


def test_the_right_password_at_the_admin_does_not_open_it(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    response = admin_login(client, administrator, PASSWORD, otp_token=code_for(device))
    assert response["Location"].startswith("/console/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_password_without_the_second_factor_does_not_open_the_admin(client, administrator):
    TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    response = client.post(
        "/console/login/?next=/admin/",
        {"username": administrator.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response["Location"] == "/console/login/verify/"
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith("/admin/login/")


def test_the_console_sign_in_returns_to_the_admin_after_the_second_factor(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    login_url = client.get("/admin/", follow=True).redirect_chain[-1][0]
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    client.post(
        login_url, {"username": administrator.username, "password": PASSWORD, "next": next_url}
    )
    verified = client.post("/console/login/verify/", {"code": code_for(device)})
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_locked_account_stays_locked_on_the_way_to_the_admin(
    client, administrator, password_checks
):
    for _ in range(sign_in.PASSWORD_ATTEMPTS.attempts):
        client.post("/console/login/", {"username": administrator.username, "password": "wrong"})
    checked = password_checks.count
    admin_login(client, administrator, PASSWORD)
    login_url = client.get("/admin/", follow=True).redirect_chain[-1][0]
    response = client.post(
        login_url, {"username": administrator.username, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert password_checks.count == checked
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_agent_who_is_not_an_administrator_is_refused_not_looped(agent):
    client = verified_client(agent)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_a_signed_in_administrator_goes_straight_to_the_admin(administrator):
    client = verified_client(administrator)
    assert client.get("/admin/login/?next=/admin/agents/")["Location"] == "/admin/agents/"


def test_the_admin_password_change_counts_old_passwords_in_the_same_lock_out(
    administrator, password_checks
):
    client = verified_client(administrator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    passphrase = "a brand new passphrase 42"
    new = {"new_password1": passphrase, "new_password2": passphrase}
    for _ in range(sign_in.PASSWORD_ATTEMPTS.attempts):
        wrong = client.post("/admin/password_change/", {"old_password": "wrong", **new})
        assert "Your old password was entered incorrectly" in wrong.content.decode()
    locked = client.post("/admin/password_change/", {"old_password": PASSWORD, **new})
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert password_checks.count == sign_in.PASSWORD_ATTEMPTS.attempts
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)


def test_the_admin_password_change_still_works_with_the_right_old_password(administrator):
    client = verified_client(administrator)
    new = "a brand new passphrase 42"
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == "/admin/password_change/done/"
    administrator.refresh_from_db()
    assert administrator.check_password(new)
