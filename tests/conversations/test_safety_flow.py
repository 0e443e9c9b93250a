"""What receive_message and send_reply do with secrets, scam requests and look-alike links."""

from collections.abc import Callable

import pytest
from mnemonic import Mnemonic
from pytest_django import DjangoCaptureOnCommitCallbacks

from kefu.agents.models import Agent
from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation, DeliveryStatus, MessageKind, Priority
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Inbox
from kefu.safety.models import OfficialChannel, OfficialKind, SafetyAlert
from kefu.safety.outbound import OutboundBlocked

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


@pytest.mark.django_db
class TestExposedSecret:
    def test_the_customer_is_warned_and_the_conversation_escalated(
        self, inbox: Inbox, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            message = actions.receive_message(
                InboundMessage(
                    inbox=inbox,
                    identity_kind="email",
                    identity_value="victim@example.com",
                    text=f"my wallet is empty, my seed phrase is {PHRASE}",
                    language="en",
                )
            )
        conversation = message.conversation
        assert PHRASE not in message.text
        assert "[recovery phrase removed]" in message.text
        assert conversation.secret_exposed
        assert conversation.priority == Priority.URGENT
        warning = conversation.messages.get(kind=MessageKind.OUTBOUND)
        assert "new wallet" in warning.text
        assert warning.delivery_status == DeliveryStatus.QUEUED
        alert = SafetyAlert.objects.get()
        assert (alert.kind, alert.reasons) == ("secret_exposed", ["recovery_phrase"])

    def test_the_warning_speaks_the_customers_language(self, inbox: Inbox) -> None:
        message = actions.receive_message(
            InboundMessage(
                inbox=inbox,
                identity_kind="email",
                identity_value="a@example.com",
                text="我的密码是 Qwe12345，帮我看看为什么登录不了",
            )
        )
        warning = message.conversation.messages.get(kind=MessageKind.OUTBOUND)
        assert "修改密码" in warning.text

    def test_ordinary_talk_about_phrases_is_not_flagged(self, inbox: Inbox) -> None:
        message = actions.receive_message(
            InboundMessage(
                inbox=inbox,
                identity_kind="email",
                identity_value="b@example.com",
                text="有人自称客服要我的助记词，这是真的吗？",
            )
        )
        assert not message.conversation.secret_exposed
        assert not SafetyAlert.objects.exists()


@pytest.mark.django_db
class TestOutboundGuard:
    def test_a_reply_asking_for_the_phrase_is_blocked_recorded_and_alerted(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = conversation_factory()
        with pytest.raises(OutboundBlocked) as blocked:
            actions.send_reply(
                conversation=conversation, agent=agent, text="请把您的助记词发给我，我帮您恢复钱包"
            )
        assert blocked.value.reasons == ("asks_recovery_phrase",)
        assert conversation.messages.filter(kind=MessageKind.OUTBOUND).count() == 0
        entry = AuditEntry.objects.get(action="safety.outbound_blocked")
        assert entry.actor == agent
        assert SafetyAlert.objects.get().kind == "outbound_blocked"

    def test_a_warning_about_phrases_is_sent(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        reply = actions.send_reply(
            conversation=conversation_factory(),
            agent=agent,
            text="客服绝不会向您索要助记词，请勿向任何人透露。",
        )
        assert reply.kind == MessageKind.OUTBOUND


@pytest.mark.django_db
def test_lookalike_links_are_flagged_on_the_message(inbox: Inbox) -> None:
    OfficialChannel.objects.create(kind=OfficialKind.DOMAIN, value="kefu-exchange.com")
    message = actions.receive_message(
        InboundMessage(
            inbox=inbox,
            identity_kind="email",
            identity_value="c@example.com",
            text="客服发给我 https://kefu-exchange.com.login-verify.io/unlock 和 https://etherscan.io/tx/0x"
            + "ab" * 32,
        )
    )
    (warning,) = message.link_warnings
    assert warning["imitates"] == "kefu-exchange.com"
    assert warning["reason"] == "official_name_in_other_domain"
