from collections.abc import Callable

import pytest

from kefu.agents.models import Agent
from kefu.safety.models import OfficialChannel, OfficialKind
from kefu.safety.verification import Verdict, normalize, verify


@pytest.fixture
def registry(db: None) -> None:
    for kind, value in [
        (OfficialKind.DOMAIN, "kefu-exchange.com"),
        (OfficialKind.EMAIL, "support@kefu-exchange.com"),
        (OfficialKind.PHONE, "+864001234567"),
        (OfficialKind.TELEGRAM, "kefu_support"),
        (OfficialKind.X, "kefuexchange"),
        (OfficialKind.WEIBO, "7510000001"),
    ]:
        OfficialChannel.objects.create(kind=kind, value=value, label="Kefu")


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("query", "verdict", "kind"),
    [
        ("https://www.kefu-exchange.com/zh/help", Verdict.OFFICIAL, "domain"),
        ("help.kefu-exchange.com", Verdict.OFFICIAL, "domain"),
        ("kefu-exchange.com.login-verify.io", Verdict.NOT_OFFICIAL, "domain"),
        ("https://kefu-exchangee.com", Verdict.NOT_OFFICIAL, "domain"),
        ("https://google.com", Verdict.UNKNOWN, "domain"),
        ("Support@Kefu-Exchange.com", Verdict.OFFICIAL, "email"),
        ("refund@kefu-exchange.com", Verdict.NOT_OFFICIAL, "email"),
        ("support@kefu-exchange-help.com", Verdict.NOT_OFFICIAL, "email"),
        ("someone@gmail.com", Verdict.UNKNOWN, "email"),
        ("+86 400-123-4567", Verdict.OFFICIAL, "phone"),
        ("0086 400 123 4567", Verdict.OFFICIAL, "phone"),
        ("400 123 4567", Verdict.OFFICIAL, "phone"),
        ("4001234567", Verdict.OFFICIAL, "phone"),
        ("008640012345 67", Verdict.OFFICIAL, "phone"),
        ("+86 400 123 4568", Verdict.UNKNOWN, "phone"),
        ("+1 415 555 0100", Verdict.UNKNOWN, "phone"),
        ("@kefu_support", Verdict.OFFICIAL, "telegram"),
        ("@KefuExchange", Verdict.OFFICIAL, "x"),
        ("@kefu_support_vip", Verdict.NOT_OFFICIAL, "telegram"),
        ("https://t.me/kefu_suport", Verdict.NOT_OFFICIAL, "telegram"),
        ("https://x.com/kefuexchange", Verdict.OFFICIAL, "x"),
        ("@random_person", Verdict.UNKNOWN, "telegram"),
        # Weibo's profile addresses: /u/<uid>, m.weibo.cn's /profile/<uid>, and /<uid>.
        ("https://weibo.com/u/7510000001", Verdict.OFFICIAL, "weibo"),
        ("https://m.weibo.cn/profile/7510000001", Verdict.OFFICIAL, "weibo"),
        ("weibo.com/7510000001", Verdict.OFFICIAL, "weibo"),
        ("https://weibo.com/u/75100000012", Verdict.NOT_OFFICIAL, "weibo"),
    ],
)
def test_verify(query: str, verdict: Verdict, kind: str) -> None:
    result = verify(query)
    assert (result.verdict, result.kind) == (verdict, kind)


@pytest.mark.django_db
def test_agent_ids(agent_factory: Callable[..., Agent]) -> None:
    agent = agent_factory(display_name="李娜")
    assert verify(agent.public_id.lower()).verdict == Verdict.OFFICIAL
    assert verify(agent.public_id).label == "李娜"
    assert verify("KF-ZZZZZZ").verdict == Verdict.NOT_OFFICIAL
    agent.is_active = False
    agent.save()
    assert verify(agent.public_id).verdict == Verdict.NOT_OFFICIAL


@pytest.mark.usefixtures("registry")
def test_an_impostor_names_what_it_imitates() -> None:
    assert verify("@kefu_support_vip").imitates == "kefu_support"
    assert verify("kefu-exchange.com.login-verify.io").imitates == "kefu-exchange.com"


@pytest.mark.django_db
def test_a_phone_number_listed_before_numbers_were_e164_is_still_found() -> None:
    # What normalize stored before: separators dropped, no country code.
    OfficialChannel.objects.create(kind=OfficialKind.PHONE, value="4001234567", label="Hotline")
    result = verify("+86 400-123-4567")
    assert (result.verdict, result.value, result.label) == (
        Verdict.OFFICIAL,
        "+864001234567",
        "Hotline",
    )


def test_phone_numbers_are_stored_in_e164_and_what_does_not_parse_as_written() -> None:
    assert normalize(OfficialKind.PHONE, "0086 400 123 4567") == "+864001234567"
    assert normalize(OfficialKind.WHATSAPP, "+852 9123 4567") == "+85291234567"
    assert normalize(OfficialKind.PHONE, "12-34") == "1234"
    assert normalize(OfficialKind.PHONE, "00 12") == "+12"


@pytest.mark.usefixtures("registry")
def test_a_profile_link_said_to_be_of_its_network_is_checked_by_its_handle() -> None:
    assert verify("https://t.me/kefu_support", kind=OfficialKind.TELEGRAM).verdict == (
        Verdict.OFFICIAL
    )
    assert verify("https://weibo.com/u/7510000001", kind=OfficialKind.WEIBO).verdict == (
        Verdict.OFFICIAL
    )
