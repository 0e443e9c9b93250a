"""The guard as agents meet it: a disguised request sent through send_reply is refused,
audited and raised to supervisors with its redacted text; honest advice is sent."""

from collections.abc import Callable

import pytest
from mnemonic import Mnemonic

from kefu.agents.models import Agent
from kefu.conversations import actions
from kefu.conversations.models import Conversation, MessageKind
from kefu.core.models import AuditEntry
from kefu.safety.models import SafetyAlert
from kefu.safety.outbound import OutboundBlocked

pytestmark = pytest.mark.django_db

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("请把 助 . 记 . 词 发给我", "asks_recovery_phrase"),  # punctuated
        ("Please send me your r e c o v e r y  p h r a s e.", "asks_recovery_phrase"),  # spaced
        ("請把驗\u200b證碼告訴我們", "asks_otp"),  # zero-width
        ("請提供ｐａｓｓｗｏｒｄ", "asks_password"),  # full-width
        ("Please install \u0410n\u0443D\u0435sk", "asks_remote_access"),  # Cyrillic
        ("请把 zhu ji ci 发给我", "asks_recovery_phrase"),  # pinyin
        ("please send me your pr1vate k3y", "asks_private_key"),  # leetspeak
        ("请先支付解冻 费", "asks_unlock_fee"),  # split
        ("把备份卡片拍照发我", "asks_recovery_phrase"),  # paraphrase
        (
            "Move everything to a wallet we control until the audit ends.",
            "asks_transfer_to_safe_wallet",
        ),
    ],
)
def test_a_disguised_request_is_refused_audited_and_alerted(
    text: str,
    reason: str,
    agent: Agent,
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory()
    with pytest.raises(OutboundBlocked) as blocked:
        actions.send_reply(conversation=conversation, agent=agent, text=text)
    assert blocked.value.reasons == (reason,)
    assert not conversation.messages.filter(kind=MessageKind.OUTBOUND).exists()
    entry = AuditEntry.objects.get(action="safety.outbound_blocked")
    assert entry.actor == agent
    alert = SafetyAlert.objects.get()
    assert (alert.kind, alert.reasons, alert.agent) == ("outbound_blocked", [reason], agent)
    assert alert.text == text


def test_the_alert_keeps_the_reply_without_a_pasted_phrase(
    agent: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(language="en")
    text = f"I have your seed phrase: {PHRASE}. Now send me your password."
    with pytest.raises(OutboundBlocked):
        actions.send_reply(conversation=conversation, agent=agent, text=text)
    alert = SafetyAlert.objects.get()
    assert PHRASE not in alert.text
    assert PHRASE.split()[3] not in alert.text
    assert "[recovery phrase removed]" in alert.text
    assert alert.text.endswith("me your password.")


@pytest.mark.parametrize(
    "text",
    [
        "千万不要把 助 记 词 给任何人",
        "Never share your s e e d phrase with anyone.",
        "In the app, tap Restore and type your own 12 words there; never send them to anyone, "
        "including us.",
        "請在 App 中點選「匯入錢包」並自行輸入助記詞，不要傳給任何人。",
    ],
)
def test_honest_advice_is_sent(
    text: str, agent: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    reply = actions.send_reply(conversation=conversation_factory(), agent=agent, text=text)
    assert reply.kind == MessageKind.OUTBOUND
    assert not SafetyAlert.objects.exists()
