"""The admin signs in through the console: one lock-out and one second factor for both."""

import re
from urllib.parse import parse_qs, urlsplit

import hanzidentifier
import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
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


def test_a_recovery_code_opens_the_admin_without_choosing_a_device(client, administrator):
    TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=administrator, name="backup", confirmed=True)
    recovery.token_set.create(token="k7m2p9q4")
    login_url = client.get("/admin/", follow=True).redirect_chain[-1][0]
    client.post(
        login_url, {"username": administrator.username, "password": PASSWORD, "next": "/admin/"}
    )
    # One field, no device list: the code alone says which kind it is.
    verify_page = client.get("/console/login/verify/").content.decode()
    assert "otp_device" not in verify_page
    assert "<select" not in verify_page
    verified = client.post("/console/login/verify/", {"code": "K7M2-P9Q4"})
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert not recovery.token_set.exists()  # used up


_SECTION = re.compile(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>')
_MODEL = re.compile(r'<th scope="row" id="[^"]*">\s*<a href="/admin/[^"]+">([^<]+)</a>')


def admin_index_names(administrator: Agent, language: str) -> tuple[list[str], list[str]]:
    # A superuser sees every registered model; the browser's language applies.
    administrator.is_superuser = True
    administrator.language = ""
    administrator.save()
    client = verified_client(administrator)
    html = client.get("/admin/", headers={"Accept-Language": language}).content.decode()
    return _SECTION.findall(html), _MODEL.findall(html)


def test_the_admin_index_reads_as_english(administrator):
    sections, models = admin_index_names(administrator, "en")
    assert len(sections) >= 12
    assert len(models) >= 18
    assert {"System", "Audit entries", "Recovery codes", "Authenticator apps"} <= {
        *sections,
        *models,
    }
    for name in sections + models:
        assert "_" not in name, name
        assert name[0].isupper(), name
        assert not re.search(r"[^aeiou]ys\b", name), name  # "Audit entrys"


@pytest.mark.parametrize(
    ("language", "other_script"),
    [("zh-Hans", hanzidentifier.TRADITIONAL), ("zh-Hant", hanzidentifier.SIMPLIFIED)],
)
def test_the_admin_index_is_translated(administrator, language, other_script):
    sections, models = admin_index_names(administrator, language)
    english_sections, english_models = admin_index_names(administrator, "en")
    assert len(sections) == len(english_sections)
    assert len(models) == len(english_models)
    for name in sections + models:
        if name == "REST API":  # a name, the same in every language
            continue
        assert re.search(r"[\u4e00-\u9fff]", name), name
        assert hanzidentifier.identify(name) != other_script, name
