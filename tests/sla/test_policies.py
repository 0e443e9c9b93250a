from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from kefu.agents.models import Team
from kefu.conversations.models import Conversation, Tag
from kefu.core.errors import PolicyRejected
from kefu.inboxes.models import Channel
from kefu.sla.models import SlaPolicy
from kefu.sla.policies import check, policy_for


@pytest.mark.django_db
class TestPolicyFor:
    def test_the_first_matching_policy_by_position_applies(
        self,
        policy_factory: Callable[..., SlaPolicy],
        conversation_factory: Callable[..., Conversation],
    ) -> None:
        fallback = policy_factory(position=90, first_response_minutes=60)
        chat = policy_factory(position=20, channels=["webchat"], first_response_minutes=5)
        stolen = policy_factory(position=10, intents=["account_stolen"], first_response_minutes=15)
        policy_factory(position=5, active=False, first_response_minutes=1)
        assert policy_for(conversation_factory(channel=Channel.WEBCHAT)) == chat
        assert policy_for(conversation_factory(channel=Channel.EMAIL)) == fallback
        assert (
            policy_for(conversation_factory(channel=Channel.WEBCHAT, intent="account_stolen"))
            == stolen
        )

    def test_every_condition_must_hold(
        self,
        policy_factory: Callable[..., SlaPolicy],
        conversation_factory: Callable[..., Conversation],
    ) -> None:
        team = Team.objects.create(name="Payments")
        vip = policy_factory(
            priorities=["urgent"], team=team, tags=["vip"], first_response_minutes=5
        )
        conversation = conversation_factory(priority="urgent", team=team)
        assert policy_for(conversation) is None  # not tagged vip
        conversation.tags.add(Tag.objects.create(name="vip"))
        assert policy_for(conversation) == vip
        assert policy_for(conversation_factory(priority="high", team=team)) is None

    def test_matching_costs_one_query_without_tag_conditions(
        self,
        policy_factory: Callable[..., SlaPolicy],
        conversation_factory: Callable[..., Conversation],
        django_assert_num_queries: Any,
    ) -> None:
        for n in range(5):
            policy_factory(intents=["fees"], first_response_minutes=5 + n)
        last = policy_factory(first_response_minutes=60)
        conversation = conversation_factory()
        with django_assert_num_queries(1):
            assert policy_for(conversation) == last
        policies = list(SlaPolicy.objects.all())
        with django_assert_num_queries(0):
            assert policy_for(conversation, policies) == last


def _policy(**fields: Any) -> SlaPolicy:
    fields.setdefault("name", "Email")
    fields.setdefault("warn_before_minutes", 10)
    return SlaPolicy(**fields)


REFUSED = [
    (
        _policy(),
        "Set at least one target",
        "请至少设置一个目标",
    ),
    (
        _policy(first_response_minutes=0),
        "must be at least one minute",
        "至少为一分钟",
    ),
    (
        _policy(first_response_minutes=10, resolution_minutes=600),
        "make it shorter than the smallest target (10 minutes)",
        "最短目标（10 分钟）",
    ),
    (
        _policy(next_response_minutes=600, resolution_minutes=60),
        "cannot be longer than the resolution target",
        "不能长于解决目标",
    ),
    (
        _policy(update_minutes=600),
        "set a resolution target too",
        "请同时设置解决目标",
    ),
    (
        _policy(first_response_minutes=60, channels=["fax"]),
        "Unknown channel: fax.",
        "未知渠道：fax。",
    ),
    (
        _policy(first_response_minutes=60, priorities=["critical"]),
        "Unknown priority: critical.",
        "未知优先级：critical。",
    ),
    (
        _policy(first_response_minutes=60, intents=["lost_keys"]),
        "Unknown topic: lost_keys.",
        "未知主题：lost_keys。",
    ),
    (
        _policy(first_response_minutes=60, tags=["vip", ""]),
        "Tags must be a list of tag names.",
        "标签必须是标签名称的列表。",
    ),
    (
        _policy(name=" ", first_response_minutes=60),
        "Give the policy a name.",
        "请为策略命名。",
    ),
]


@pytest.mark.parametrize(("policy", "english", "chinese"), REFUSED)
def test_an_impossible_policy_is_refused_with_a_translated_reason(
    policy: SlaPolicy, english: str, chinese: str
) -> None:
    with translation.override("en"), pytest.raises(PolicyRejected) as refused:
        check(policy)
    assert english in refused.value.message
    with translation.override("zh-hans"), pytest.raises(PolicyRejected) as refused:
        check(policy)
    assert chinese in refused.value.message


def test_a_sound_policy_passes() -> None:
    check(
        _policy(
            channels=["email"],
            priorities=["high"],
            intents=["withdrawal_delayed"],
            first_response_minutes=60,
            next_response_minutes=60,
            update_minutes=24 * 60,
            resolution_minutes=48 * 60,
        )
    )


@pytest.mark.django_db
def test_the_shipped_defaults_are_valid_and_ordered(
    conversation_factory: Callable[..., Conversation],
) -> None:
    defaults = list(SlaPolicy.objects.order_by("position"))
    assert defaults[0].name == "Stolen account"
    for policy in defaults:
        check(policy)
    stolen = policy_for(conversation_factory(channel=Channel.EMAIL, intent="account_stolen"))
    assert stolen is not None
    assert (stolen.first_response_minutes, stolen.first_response_business) == (15, False)
    chat_unlock = policy_for(conversation_factory(channel=Channel.WEBCHAT, intent="account_locked"))
    assert chat_unlock is not None
    assert (chat_unlock.first_response_minutes, chat_unlock.update_minutes) == (5, 24 * 60)
    assert chat_unlock.resolution_minutes == 3 * 24 * 60
    withdrawal = policy_for(conversation_factory(intent="withdrawal_delayed"))
    assert withdrawal is not None
    assert withdrawal.resolution_minutes == 48 * 60
    chat = policy_for(conversation_factory(channel=Channel.WEBCHAT))
    assert chat is not None
    assert (chat.first_response_minutes, chat.next_response_minutes) == (5, 5)
    mail = policy_for(conversation_factory(channel=Channel.EMAIL))
    assert mail is not None
    assert (mail.first_response_minutes, mail.first_response_business) == (24 * 60, True)
