"""Saving canned replies: the outbound guard and the placeholder check refuse before storing."""

from collections.abc import Callable

import pytest
from django.utils import translation

from kefu.agents.models import Agent, Role, Team
from kefu.canned import actions
from kefu.canned.models import CannedReply, Scope
from kefu.core.models import AuditEntry
from kefu.safety.models import SafetyAlert
from tests.canned.conftest import reply_input

SECRET_REQUESTS = [
    ("zh_hans", "请把您的助记词发给我，以便核实身份。", "asks_recovery_phrase"),
    ("zh_hant", "請提供您的私鑰，我們幫您解鎖帳戶。", "asks_private_key"),
    ("en", "Please send me your recovery phrase to verify your account.", "asks_recovery_phrase"),
    # Disguised: spaced-out characters, full-width letters, spaced-out English.
    ("zh_hans", "请 把 您 的 助 记 词 发 给 我", "asks_recovery_phrase"),
    ("en", "Please send me your ｒｅｃｏｖｅｒｙ ｐｈｒａｓｅ now.", "asks_recovery_phrase"),
    ("zh_hant", "請告訴我您收到的簡訊驗證碼", "asks_otp"),
    # A placeholder does not hide the request: the guard reads the reply as it is sent.
    ("en", "To verify, enter your recovery phrase at {{verify_url}}", "asks_recovery_phrase"),
]


@pytest.mark.parametrize(("column", "text", "reason"), SECRET_REQUESTS)
def test_a_reply_asking_for_a_secret_is_refused_and_audited(
    agent: Agent, column: str, text: str, reason: str
) -> None:
    # The other versions are fine: one bad language is enough to refuse the whole reply.
    versions = {
        "zh_hans": "您好，{{customer_name}}。",
        "en": "Hello {{customer_name}}.",
        column: text,
    }
    data = reply_input(**versions)
    with pytest.raises(actions.CannedBlocked) as refused:
        actions.create_canned_reply(actor=agent, data=data)
    assert reason in refused.value.reasons
    assert refused.value.field == f"body_{column}"
    assert not CannedReply.objects.exists()
    entry = AuditEntry.objects.get(action="safety.canned_blocked")
    assert entry.actor == agent
    assert reason in entry.data["reasons"]
    # A canned reply reaches no customer yet: an audit entry, not a conversation alert.
    assert not SafetyAlert.objects.exists()


def test_the_refusal_names_the_language_and_the_reason(agent: Agent) -> None:
    data = reply_input(zh_hant="請提供您的私鑰，我們幫您解鎖帳戶。")
    # Explained in the agent's language (here English), whatever the reply's language.
    with translation.override("en"), pytest.raises(actions.CannedBlocked) as refused:
        actions.create_canned_reply(actor=agent, data=data)
    assert "Traditional Chinese" in refused.value.message
    assert "private key" in refused.value.message


def test_honest_safety_advice_is_saved(agent: Agent) -> None:
    reply = actions.create_canned_reply(
        actor=agent,
        data=reply_input(
            zh_hans="请勿向任何人透露您的助记词、私钥或验证码，包括客服。",
            zh_hant="請勿向任何人透露您的助記詞、私鑰或驗證碼，包括客服。",
            en="Never share your recovery phrase, private key or codes with anyone, "
            "including support.",
            shortcut="never-share",
        ),
    )
    assert reply.scope == Scope.PERSONAL
    assert reply.owner == agent
    assert reply.created_by == agent
    assert AuditEntry.objects.filter(action="canned.created", target_id=str(reply.pk)).exists()


def test_editing_checks_the_guard_again_and_keeps_the_old_text(agent: Agent) -> None:
    reply = actions.create_canned_reply(actor=agent, data=reply_input())
    bad = reply_input(en="Please send me your recovery phrase to verify your account.")
    with pytest.raises(actions.CannedBlocked):
        actions.update_canned_reply(actor=agent, reply=reply, data=bad)
    reply.refresh_from_db()
    assert "48 hours" in reply.body_en
    entry = AuditEntry.objects.get(action="safety.canned_blocked")
    assert entry.target_id == str(reply.pk)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Hello {{customer}}, your ticket is {{ticket}}.", "{{customer}}"),
        ("Hello {{ customer_nme }}.", "{{ customer_nme }}"),
        ("Your ticket {{ticket} is pending.", "{{ticket} is"),
        ("Your ticket ticket}} is pending.", "ticket}} is"),
        ("Check {{verify_url}} and {{ {{agent_id}} }}", "{{"),
    ],
)
def test_an_unknown_or_malformed_placeholder_is_refused_and_nothing_stored(
    agent: Agent, text: str, named: str
) -> None:
    data = reply_input(zh_hans="您好，{{customer_name}}。", en=text)
    with pytest.raises(actions.CannedRefused) as refused:
        actions.create_canned_reply(actor=agent, data=data)
    assert refused.value.field == "body_en"
    assert named in refused.value.message
    assert "English" in refused.value.message or "英文" in refused.value.message
    assert not CannedReply.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_placeholder_error_is_translated(agent: Agent) -> None:
    with translation.override("zh-hans"), pytest.raises(actions.CannedRefused) as refused:
        actions.create_canned_reply(actor=agent, data=reply_input(en="Hi {{name}}"))
    assert "占位符" in refused.value.message
    with translation.override("zh-hant"), pytest.raises(actions.CannedRefused) as refused:
        actions.create_canned_reply(actor=agent, data=reply_input(en="Hi {{name}}"))
    assert "預留位置" in refused.value.message


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"shortcut": "Withdrawal 48h"}, "shortcut"),
        ({"shortcut": ""}, "shortcut"),
        ({"scope": "everyone"}, "scope"),
        ({"en": "   "}, "body"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(
    agent: Agent, fields: dict[str, str], field: str
) -> None:
    data = reply_input(**fields)
    if "en" in fields:
        data.bodies.clear()
    with pytest.raises(actions.CannedRefused) as refused:
        actions.create_canned_reply(actor=agent, data=data)
    assert refused.value.field == field
    assert not CannedReply.objects.exists()


def test_a_team_reply_needs_a_team(supervisor: Agent) -> None:
    with pytest.raises(actions.CannedRefused) as refused:
        actions.create_canned_reply(actor=supervisor, data=reply_input(scope=Scope.TEAM))
    assert refused.value.field == "team"


def test_a_shortcut_is_unique_per_owner_not_across_owners(
    agent: Agent, agent_factory: Callable[..., Agent]
) -> None:
    actions.create_canned_reply(actor=agent, data=reply_input())
    with pytest.raises(actions.CannedRefused) as refused:
        actions.create_canned_reply(actor=agent, data=reply_input(title="Again"))
    assert refused.value.field == "shortcut"
    actions.create_canned_reply(actor=agent_factory(), data=reply_input())
    assert CannedReply.objects.count() == 2


def test_agents_write_personal_replies_supervisors_team_and_global(
    agent: Agent, supervisor: Agent, team: Team, agent_factory: Callable[..., Agent]
) -> None:
    for scope, scope_team in ((Scope.TEAM, team), (Scope.GLOBAL, None)):
        with pytest.raises(actions.CannedForbidden):
            actions.create_canned_reply(actor=agent, data=reply_input(scope=scope, team=scope_team))
    team_reply = actions.create_canned_reply(
        actor=supervisor, data=reply_input(scope=Scope.TEAM, team=team)
    )
    assert team_reply.team == team
    assert team_reply.owner is None
    other_team = Team.objects.create(name="Security", slug="security")
    with pytest.raises(actions.CannedForbidden):
        actions.create_canned_reply(
            actor=supervisor, data=reply_input(scope=Scope.TEAM, team=other_team)
        )
    actions.create_canned_reply(actor=supervisor, data=reply_input(scope=Scope.GLOBAL))
    admin = agent_factory(role=Role.ADMIN)
    actions.create_canned_reply(actor=admin, data=reply_input(scope=Scope.TEAM, team=other_team))


def test_only_the_owner_changes_or_deletes_a_personal_reply(
    agent: Agent, supervisor: Agent
) -> None:
    reply = actions.create_canned_reply(actor=agent, data=reply_input())
    with pytest.raises(actions.CannedForbidden):
        actions.update_canned_reply(actor=supervisor, reply=reply, data=reply_input(title="Mine"))
    with pytest.raises(actions.CannedForbidden):
        actions.delete_canned_reply(actor=supervisor, reply=reply)
    actions.delete_canned_reply(actor=agent, reply=reply)
    assert not CannedReply.objects.exists()
    assert AuditEntry.objects.filter(action="canned.deleted").exists()


def test_using_a_reply_counts_it(agent: Agent, agent_factory: Callable[..., Agent]) -> None:
    reply = actions.create_canned_reply(actor=agent, data=reply_input())
    actions.record_use(agent=agent, reply=reply)
    actions.record_use(agent=agent, reply=reply)
    reply.refresh_from_db()
    assert reply.usage_count == 2
    assert reply.last_used_at is not None
    with pytest.raises(actions.CannedForbidden):
        actions.record_use(agent=agent_factory(), reply=reply)
    reply.refresh_from_db()
    assert reply.usage_count == 2
