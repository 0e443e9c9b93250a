"""“Is this really Kefu support?”: the answer for each kind of contact, and impostor reports."""

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation, Message
from kefu.core.intents import Intent
from kefu.portal.views.verify import LOOKUPS_PER_IP, REPORTS_PER_IP
from kefu.safety.models import OfficialChannel, OfficialKind
from tests.portal.conftest import client_reading
from tests.safety.secret_files import PHRASE_EN, WIF

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
ZH_HANS = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture(autouse=True)
def registry() -> None:
    for kind, value, label in [
        (OfficialKind.DOMAIN, "kefu-exchange.com", "Main website"),
        (OfficialKind.EMAIL, "support@kefu-exchange.com", "Support mailbox"),
        (OfficialKind.PHONE, "+864001234567", "Hotline"),
        (OfficialKind.TELEGRAM, "kefu_support", ""),
    ]:
        OfficialChannel.objects.create(kind=kind, value=value, label=label)
    OfficialChannel.objects.create(kind=OfficialKind.X, value="kefu_retired", is_active=False)


def _check(client: Client, query: str, headers: dict[str, str] = EN) -> str:
    response = client.get("/portal/verify/", {"q": query}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_an_official_domain_is_official(client: Client) -> None:
    body = _check(client, "https://www.kefu-exchange.com/login")
    assert 'class="verdict verdict-official"' in body
    assert "This is an official Kefu website: Main website." in body


def test_a_look_alike_domain_is_not_official_and_says_what_it_imitates(client: Client) -> None:
    body = _check(client, "kefu-exchanqe.com")
    assert 'class="verdict verdict-not_official"' in body
    assert "This is <strong>NOT</strong> an official Kefu website." in body
    assert 'It imitates our official <code class="checked-value">kefu-exchange.com</code>.' in body
    assert "Never pay an “unlock fee”" in body
    assert "safe wallet" in body


def test_an_unknown_phone_number_is_to_be_treated_as_not_official(client: Client) -> None:
    body = _check(client, "+86 138 0013 8000")
    assert 'class="verdict verdict-unknown"' in body
    assert "This is not in our list of official channels. Treat it as NOT official." in body
    assert "recovery phrase (助记词), private key, password or any verification code" in body


def test_an_official_agent_id_shows_the_agents_name(
    client: Client, agent_factory: Callable[..., Agent]
) -> None:
    agent_factory(display_name="李娜", public_id="KF-7Q2M9A")
    body = _check(client, "kf-7q2m9a")
    assert 'class="verdict verdict-official"' in body
    assert "This is an official Kefu support agent: 李娜." in body
    assert "Someone who uses this id anywhere else is pretending to be them." in body


def test_an_unknown_agent_id_is_not_official(client: Client) -> None:
    body = _check(client, "KF-ZZZZZZ")
    assert 'class="verdict verdict-not_official"' in body
    assert "This is <strong>NOT</strong> an official Kefu support agent." in body


def test_a_deactivated_agent_is_no_longer_official(
    client: Client, agent_factory: Callable[..., Agent]
) -> None:
    agent_factory(public_id="KF-OLD111", is_active=False)
    assert 'class="verdict verdict-not_official"' in _check(client, "KF-OLD111")


def test_the_kind_can_be_chosen(client: Client) -> None:
    response = client.get("/portal/verify/", {"q": "@kefu_support", "kind": "telegram"}, headers=EN)
    assert "This is an official Kefu Telegram account." in response.content.decode()


def test_the_page_lists_the_active_official_channels(client: Client) -> None:
    body = client.get("/portal/verify/", headers=EN).content.decode()
    assert "Our official channels" in body
    for heading, value in [
        ("Websites", "kefu-exchange.com"),
        ("Email addresses", "support@kefu-exchange.com"),
        # Stored in E.164, shown grouped as people dial it.
        ("Phone numbers", "+86 400 123 4567"),
        ("Telegram", "@kefu_support"),
    ]:
        assert heading in body
        assert f'<span class="official-value">{value}</span>' in body
    assert "kefu_retired" not in body
    assert 'class="verdict' not in body  # nothing asked, nothing answered


def test_a_link_that_was_checked_is_never_made_clickable(client: Client) -> None:
    body = _check(client, 'http://evil.example/login"><a href="http://evil.example/x">go</a>')
    assert '<a href="http://evil' not in body
    assert 'href="http://evil' not in body
    assert "&lt;a href=&quot;http://evil.example/x&quot;&gt;" in body


def test_the_page_reads_a_fixed_number_of_queries(
    client: Client, agent_factory: Callable[..., Agent], django_assert_max_num_queries
) -> None:
    agent_factory(public_id="KF-7Q2M9A")
    # the agent, the registry list (no session yet)
    with django_assert_max_num_queries(2):
        assert client.get("/portal/verify/", {"q": "KF-7Q2M9A"}).status_code == 200


def test_lookups_are_rate_limited_per_address(client: Client) -> None:
    for _ in range(LOOKUPS_PER_IP.attempts):
        assert client.get("/portal/verify/", {"q": "+8613800138000"}).status_code == 200
    response = client.get("/portal/verify/", {"q": "KF-7Q2M9A"}, headers=EN)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Too many checks from your connection." in body
    assert 'class="verdict' not in body
    # Another address is not held back by this one.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.get("/portal/verify/", {"q": "KF-7Q2M9A"}).status_code == 200


def test_the_page_follows_the_chosen_language(client: Client) -> None:
    body = _check(client, "kefu-exchanqe.com", headers=ZH_HANS)
    assert "这<strong>不是</strong> Kefu 官方网站" in body
    client.cookies["django_language"] = "zh-hant"
    body = _check(client, "kefu-exchanqe.com")
    assert "這<strong>不是</strong> Kefu 官方網站" in body
    client.cookies["django_language"] = "en"
    assert "This is <strong>NOT</strong> an official Kefu website." in _check(
        client, "kefu-exchanqe.com"
    )


def test_the_ticket_page_links_agent_ids_to_this_page(
    conversation_factory: Callable[..., Conversation], agent_factory: Callable[..., Agent]
) -> None:
    conversation = conversation_factory()
    agent = agent_factory(public_id="KF-7Q2M9A")
    Message.objects.create(
        conversation=conversation, kind="outbound", author_agent=agent, text="hi"
    )
    body = client_reading(conversation.contact).get(f"/portal/tickets/{conversation.reference}/")
    assert 'href="/portal/verify/?q=KF-7Q2M9A"' in body.content.decode()


# --- impostor reports -----------------------------------------------------------------------

REPORT = {
    "contacted_by": "@kefu_support_vip",
    "channel": "telegram",
    "asked_for": "他们让我把USDT转到一个安全钱包",
}


def test_the_report_form_is_prefilled_with_what_was_checked(client: Client) -> None:
    body = _check(client, "@kefu_support_vip")
    assert 'action="/portal/verify/report/"' in body
    assert 'name="contacted_by" value="@kefu_support_vip"' in body
    assert 'name="email"' in body


def test_a_signed_in_customer_reports_an_impostor(
    contact_factory: Callable[..., Contact],
) -> None:
    me = contact_factory(language="en")
    client = client_reading(me)
    assert 'name="email"' not in client.get("/portal/verify/").content.decode()
    response = client.post("/portal/verify/report/", REPORT)
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/tickets/{conversation.reference}/"
    assert conversation.contact == me
    assert conversation.intent == Intent.VERIFY_SUPPORT
    assert conversation.subject == "Impostor report: @kefu_support_vip"
    text = conversation.messages.get().text
    assert "Who contacted me: @kefu_support_vip" in text
    assert "How: Telegram" in text
    assert "not official (imitates kefu_support)" in text
    assert "他们让我把USDT转到一个安全钱包" in text
    page = client.get(response["Location"]).content.decode()
    assert conversation.reference in page
    assert "Your report is ticket" in page


def test_an_anonymous_report_is_answered_by_email_without_signing_in(client: Client) -> None:
    response = client.post(
        "/portal/verify/report/", {**REPORT, "email": "Wang@Example.com"}, headers=ZH_HANS
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/verify/report/sent/"
    conversation = Conversation.objects.get()
    identity = ContactIdentity.objects.get(kind=IdentityKind.EMAIL, value="wang@example.com")
    assert conversation.contact == identity.contact
    assert conversation.intent == Intent.VERIFY_SUPPORT
    assert conversation.subject == "冒充客服举报：@kefu_support_vip"
    assert conversation.language == "zh-Hans"
    page = client.get(response["Location"], headers=EN).content.decode()
    assert conversation.reference in page
    assert "We will reply by email to <strong>Wang@Example.com</strong>" in page
    # Typing an address proves nothing: the reporter is not signed in as its owner.
    assert client.get("/portal/tickets/").status_code == 302


def test_a_secret_in_a_report_is_removed_before_it_is_stored(client: Client) -> None:
    client.post(
        "/portal/verify/report/",
        {
            "contacted_by": f"@kefu_help said my key {WIF} was leaked",
            "channel": "telegram",
            "asked_for": f"They asked for my recovery phrase and I sent it: {PHRASE_EN}",
            "email": "victim@example.com",
        },
        headers=EN,
    )
    conversation = Conversation.objects.get()
    stored = conversation.subject + "\n".join(conversation.messages.values_list("text", flat=True))
    assert WIF not in stored
    assert "abandon amount" not in stored
    assert "[recovery phrase removed]" in stored
    assert conversation.secret_exposed


def test_an_anonymous_report_without_an_email_is_refused_and_stores_nothing(
    client: Client,
) -> None:
    response = client.post("/portal/verify/report/", REPORT, headers=EN)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Conversation.objects.exists()
    assert not Contact.objects.exists()


def test_a_report_without_what_they_asked_for_is_refused(client: Client) -> None:
    response = client.post(
        "/portal/verify/report/",
        {**REPORT, "asked_for": "", "email": "a@example.com"},
        headers=EN,
    )
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_reports_are_rate_limited_per_address(client: Client) -> None:
    data = {**REPORT, "email": "a@example.com"}
    for _ in range(REPORTS_PER_IP.attempts):
        assert client.post("/portal/verify/report/", data).status_code == 302
    response = client.post("/portal/verify/report/", data, headers=EN)
    assert response.status_code == 429
    assert "Too many reports from your connection." in response.content.decode()
    assert Conversation.objects.count() == REPORTS_PER_IP.attempts


def test_the_sent_page_without_a_report_goes_back_to_the_check(client: Client) -> None:
    assert client.get("/portal/verify/report/sent/")["Location"] == "/portal/verify/"


def test_everyone_sees_the_verify_link_in_the_header(client: Client) -> None:
    body = client.get("/portal/", headers=EN).content.decode()
    assert '<a class="nav-verify" href="/portal/verify/">' in body
    assert "Verify support" in body


def test_a_null_character_in_a_lookup_or_a_report_is_refused(client: Client) -> None:
    lookup = client.get("/portal/verify/", {"q": "KF-7Q2M9A\x00"}, headers=EN)
    assert lookup.status_code == 400
    assert "Null characters are not allowed." in lookup.content.decode()
    report = {
        "contacted_by": "@kefu\x00_help",
        "channel": "telegram",
        "asked_for": "助记词",
        "email": "li@example.com",
    }
    response = client.post("/portal/verify/report/", report, headers=EN)
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_this_site_and_its_sender_are_listed_and_official_without_a_row(
    client: Client, settings
) -> None:
    settings.SITE_URL = "https://help.kefu-exchange.com"
    settings.DEFAULT_FROM_EMAIL = "Kefu <service@mail.kefu-exchange.com>"
    OfficialChannel.objects.all().delete()
    body = client.get("/portal/verify/", headers=EN).content.decode()
    assert '<span class="official-value">https://help.kefu-exchange.com</span>' in body
    assert '<span class="official-value">service@mail.kefu-exchange.com</span>' in body
    assert "has not been published yet" not in body
    assert "This is an official Kefu website" in _check(client, "https://help.kefu-exchange.com/x")
    assert "official Kefu email address" in _check(client, "service@mail.kefu-exchange.com")
    page = _check(client, "http://help.kefu-exchange.com/x")
    assert "It imitates our official" in page


def _report_sent_page(client: Client, headers: dict[str, str]) -> str:
    response = client.post("/portal/verify/report/", {**REPORT, "email": "wang@example.com"})
    assert response.status_code == 302
    return client.get(response["Location"], headers=headers).content.decode()


def test_the_sent_page_names_the_addresses_the_reply_comes_from(client: Client, settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kefu Support <desk@kefu-exchange.com>"
    page = _report_sent_page(client, EN)
    assert "Our reply will come from one of these addresses" in page
    for address in ("desk@kefu-exchange.com", "support@kefu-exchange.com"):
        assert f'<span class="official-value">{address}</span>' in page
    assert "listed on the verification page" not in page


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (EN, "Our reply will be sent to wang@example.com and will quote your ticket number"),
        (ZH_HANS, "我们的回复将发送到 wang@example.com，并会注明您的工单编号"),
        ({"Accept-Language": "zh-TW"}, "我們的回覆將寄送到 wang@example.com，並會註明您的工單編號"),
    ],
)
def test_with_no_official_address_the_sent_page_promises_no_list(
    client: Client, settings, headers: dict[str, str], words: str
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kefu Support"  # a name, no address
    OfficialChannel.objects.filter(kind=OfficialKind.EMAIL).delete()
    page = _report_sent_page(client, headers)
    reference = Conversation.objects.get().reference
    assert f"{words} {reference}" in page
    assert "official-value" not in page


@pytest.mark.parametrize("query", ["7510000001", "https://weibo.com/u/7510000001"])
def test_a_weibo_account_can_be_checked(client: Client, query: str) -> None:
    OfficialChannel.objects.create(kind=OfficialKind.WEIBO, value="7510000001", label="官方微博")
    response = client.get("/portal/verify/", {"q": query, "kind": "weibo"}, headers=ZH_HANS)
    body = response.content.decode()
    assert 'class="verdict verdict-official"' in body
    assert "官方微博" in body
