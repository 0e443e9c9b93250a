"""`kefu demo` publishes the demo exchange's official channels, so checking them works."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from kefu.agents.models import Agent, Role
from kefu.core.models import AuditEntry
from kefu.safety import demo_data
from kefu.safety.models import OfficialChannel, OfficialKind
from kefu.safety.verification import Verdict, verify
from tests.conftest import worker_shares_test_connection

pytestmark = pytest.mark.django_db


def test_after_kefu_demo_each_of_its_channels_is_official(capsys: Any) -> None:
    with worker_shares_test_connection():
        call_command("demo")
    for kind, value, label in demo_data.CHANNELS:
        # A bare WeChat ID reads like any word, a bare Weibo uid like a phone number, and
        # the Facebook page shares its name with the X account: the verify page has the
        # customer say which it is.
        said = kind in (OfficialKind.WECHAT, OfficialKind.WEIBO, OfficialKind.FACEBOOK)
        result = verify(value, kind=kind if said else "")
        assert (result.verdict, result.kind, result.label) == (Verdict.OFFICIAL, kind, label)
    # Written the way an administrator writes them: audited, and once however often loaded.
    assert AuditEntry.objects.filter(action="safety.official_channel_add").count() == len(
        demo_data.CHANNELS
    )
    demo_data.load()
    assert OfficialChannel.objects.count() == len(demo_data.CHANNELS)


def test_look_alikes_of_the_demo_channels_are_not_official(
    agent_factory: Callable[..., Agent],
) -> None:
    agent_factory(role=Role.ADMIN)
    demo_data.load()
    for query in (
        "https://www.kefu-exchange.com.security-check.io/login",
        "support@kefu-exchange-help.com",
        "https://t.me/kefu_support_vip",
        "@kefu_exchange",
    ):
        assert verify(query).verdict == Verdict.NOT_OFFICIAL, query


def test_without_an_admin_nothing_is_written() -> None:
    with pytest.raises(RuntimeError, match="demo admin"):
        demo_data.load()
    assert not OfficialChannel.objects.exists()
