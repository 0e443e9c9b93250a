from collections.abc import Callable

import pytest

from kefu.agents.models import Agent
from kefu.safety.models import OfficialChannel, OfficialKind
from kefu.safety.verification import Verdict, verify


@pytest.fixture
def registry(db: None) -> None:
    for kind, value in [
        (OfficialKind.DOMAIN, "kefu-exchange.com"),
        (OfficialKind.EMAIL, "support@kefu-exchange.com"),
        (OfficialKind.PHONE, "+864001234567"),
        (OfficialKind.TELEGRAM, "kefu_support"),
        (OfficialKind.X, "kefuexchange"),
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
        ("+1 415 555 0100", Verdict.UNKNOWN, "phone"),
        ("@kefu_support", Verdict.OFFICIAL, "telegram"),
        ("@KefuExchange", Verdict.OFFICIAL, "x"),
        ("@kefu_support_vip", Verdict.NOT_OFFICIAL, "telegram"),
        ("https://t.me/kefu_suport", Verdict.NOT_OFFICIAL, "telegram"),
        ("https://x.com/kefuexchange", Verdict.OFFICIAL, "x"),
        ("@random_person", Verdict.UNKNOWN, "telegram"),
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
