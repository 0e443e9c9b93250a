from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from pytest_django import DjangoCaptureOnCommitCallbacks

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact
from kefu.conversations import actions
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.models import (
    Attachment,
    Conversation,
    DeliveryStatus,
    Message,
    MessageKind,
    Priority,
    Status,
)
from kefu.core.errors import AttachmentRejected, InvalidTransition, MergeRefused, MessageRejected
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Inbox

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def inbound(inbox: Inbox, text: str, **fields: object) -> InboundMessage:
    fields.setdefault("identity_kind", "email")
    fields.setdefault("identity_value", "zhang.wei@example.com")
    return InboundMessage(inbox=inbox, text=text, **fields)  # type: ignore[arg-type]


@pytest.mark.django_db
class TestReceiveMessage:
    def test_a_first_message_opens_a_conversation_for_a_new_contact(self, inbox: Inbox) -> None:
        message = actions.receive_message(
            inbound(inbox, "提现一直显示处理中", intent="withdrawal_delayed", subject="提现")
        )
        conversation = message.conversation
        assert conversation.status == Status.OPEN
        assert conversation.reference == f"K-{conversation.pk:06d}"
        assert conversation.priority == Priority.HIGH
        assert conversation.language == "zh-Hans"
        assert conversation.contact.identities.get().value == "zhang.wei@example.com"

    def test_a_stolen_account_is_urgent(self, inbox: Inbox) -> None:
        message = actions.receive_message(
            inbound(inbox, "My account was hacked", intent="account_stolen")
        )
        assert message.conversation.priority == Priority.URGENT

    def test_the_same_address_is_the_same_contact(self, inbox: Inbox) -> None:
        first = actions.receive_message(inbound(inbox, "one", identity_value="A@Example.com"))
        second = actions.receive_message(inbound(inbox, "two", identity_value="a@example.com "))
        assert first.conversation.contact_id == second.conversation.contact_id

    @pytest.mark.parametrize("status", [Status.PENDING, Status.ON_HOLD, Status.RESOLVED])
    def test_customer_reply_reopens(
        self, status: Status, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = conversation_factory(status=status)
        actions.receive_message(
            InboundMessage(
                inbox=conversation.inbox,
                contact=conversation.contact,
                text="还是没到账",
                conversation=conversation,
            )
        )
        conversation.refresh_from_db()
        assert conversation.status == Status.OPEN
        assert conversation.resolved_at is None

    def test_customer_reply_to_a_closed_conversation_opens_a_follow_up(
        self, conversation_factory: Callable[..., Conversation]
    ) -> None:
        closed = conversation_factory(status=Status.CLOSED)
        message = actions.receive_message(
            InboundMessage(
                inbox=closed.inbox, contact=closed.contact, text="又出问题了", conversation=closed
            )
        )
        closed.refresh_from_db()
        assert closed.status == Status.CLOSED
        assert message.conversation.pk != closed.pk
        assert message.conversation.follow_up_of_id == closed.pk

    def test_a_message_cannot_be_posted_into_another_customers_conversation(
        self,
        conversation_factory: Callable[..., Conversation],
        contact_factory: Callable[..., Contact],
    ) -> None:
        conversation = conversation_factory()
        stranger = contact_factory()
        with pytest.raises(PermissionDenied):
            actions.receive_message(
                InboundMessage(
                    inbox=conversation.inbox, contact=stranger, text="hi", conversation=conversation
                )
            )
        assert conversation.messages.count() == 1

    def test_a_redelivered_message_is_stored_once(self, inbox: Inbox) -> None:
        first = actions.receive_message(inbound(inbox, "hello", external_id="<abc@mail>"))
        second = actions.receive_message(inbound(inbox, "hello", external_id="<abc@mail>"))
        assert first.pk == second.pk
        assert Message.objects.count() == 1

    def test_attachments_are_stored_with_their_checked_type(self, inbox: Inbox) -> None:
        files = (InboundAttachment("截图.png", "application/octet-stream", PNG),)
        message = actions.receive_message(inbound(inbox, "见截图", attachments=files))
        attachment = message.attachments.get()
        assert (attachment.filename, attachment.content_type, attachment.size) == (
            "截图.png",
            "image/png",
            len(PNG),
        )
        assert default_storage.exists(attachment.file.name)

    def test_an_oversized_attachment_is_refused_and_nothing_is_stored(
        self, inbox: Inbox, settings: object
    ) -> None:
        settings.KEFU_MAX_ATTACHMENT_BYTES = 32  # type: ignore[attr-defined]
        files = (InboundAttachment("big.png", "image/png", PNG),)
        with pytest.raises(AttachmentRejected, match=r"big\.png"):
            actions.receive_message(inbound(inbox, "big", attachments=files))
        assert not Conversation.objects.exists()
        assert not Attachment.objects.exists()

    def test_a_disallowed_type_is_refused_even_with_an_innocent_name(self, inbox: Inbox) -> None:
        files = (InboundAttachment("photo.png", "image/png", b"MZ\x90\x00" + b"\x00" * 200),)
        with pytest.raises(AttachmentRejected):
            actions.receive_message(inbound(inbox, "see", attachments=files))
        assert not Message.objects.exists()

    def test_an_empty_or_huge_message_is_refused(self, inbox: Inbox, settings: object) -> None:
        with pytest.raises(MessageRejected):
            actions.receive_message(inbound(inbox, "   "))
        settings.KEFU_MAX_MESSAGE_CHARS = 10  # type: ignore[attr-defined]
        with pytest.raises(MessageRejected):
            actions.receive_message(inbound(inbox, "x" * 11))
        assert not Conversation.objects.exists()

    def test_html_is_sanitized_before_it_is_stored(self, inbox: Inbox) -> None:
        message = actions.receive_message(
            inbound(
                inbox,
                "hi",
                html='<p onclick="x()">hi<script>alert(1)</script><img src="https://t.example/p.gif"></p>',
            )
        )
        assert message.html == "<p>hi<img></p>"


@pytest.mark.django_db
class TestAgentActions:
    def test_reply_queues_delivery_and_records_first_response(
        self,
        agent: Agent,
        conversation_factory: Callable[..., Conversation],
        django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
        run_tasks: Callable[[], None],
    ) -> None:
        conversation = conversation_factory()
        with django_capture_on_commit_callbacks(execute=True):
            reply = actions.send_reply(
                conversation=conversation, agent=agent, text="已为您查询", then_status="pending"
            )
        conversation.refresh_from_db()
        assert conversation.first_response_at is not None
        assert conversation.status == Status.PENDING
        assert reply.delivery_status == DeliveryStatus.QUEUED
        run_tasks()
        reply.refresh_from_db()
        assert reply.delivery_status == DeliveryStatus.SENT
        assert AuditEntry.objects.filter(action="conversation.reply", actor=agent).exists()

    def test_a_note_is_internal(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        note = actions.add_note(conversation=conversation_factory(), agent=agent, text="VIP")
        assert note.kind == MessageKind.NOTE
        assert note.delivery_status == DeliveryStatus.NOT_APPLICABLE

    def test_an_invalid_transition_changes_nothing(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = conversation_factory()
        with pytest.raises(InvalidTransition):
            actions.change_status(conversation=conversation, actor=agent, status=Status.CLOSED)
        conversation.refresh_from_db()
        assert conversation.status == Status.OPEN
        assert not AuditEntry.objects.exists()

    def test_resolving_and_closing_stamp_the_times(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = conversation_factory()
        actions.change_status(conversation=conversation, actor=agent, status=Status.RESOLVED)
        assert conversation.resolved_at is not None
        actions.change_status(conversation=conversation, actor=agent, status=Status.CLOSED)
        assert conversation.closed_at is not None
        with pytest.raises(InvalidTransition):
            actions.send_reply(conversation=conversation, agent=agent, text="late")

    def test_an_agent_takes_a_conversation_but_only_a_supervisor_reassigns(
        self,
        agent: Agent,
        agent_factory: Callable[..., Agent],
        conversation_factory: Callable[..., Conversation],
    ) -> None:
        conversation = conversation_factory()
        colleague = agent_factory()
        actions.assign(conversation=conversation, actor=agent, assignee=agent)
        with pytest.raises(PermissionDenied):
            actions.assign(conversation=conversation, actor=colleague, assignee=colleague)
        conversation.refresh_from_db()
        assert conversation.assignee == agent
        supervisor = agent_factory(role=Role.SUPERVISOR)
        actions.assign(conversation=conversation, actor=supervisor, assignee=colleague)
        assert conversation.assignee == colleague

    def test_priority_and_tags(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = conversation_factory()
        actions.set_priority(conversation=conversation, actor=agent, priority=Priority.URGENT)
        actions.tag(conversation=conversation, actor=agent, names=["提现", " vip ", "提现"])
        conversation.refresh_from_db()
        assert conversation.priority == Priority.URGENT
        assert sorted(conversation.tags.values_list("name", flat=True)) == ["vip", "提现"]
        actions.tag(conversation=conversation, actor=agent, names=["vip"])
        assert list(conversation.tags.values_list("name", flat=True)) == ["vip"]


@pytest.mark.django_db
class TestMerge:
    def test_a_duplicate_moves_into_the_target_and_closes(
        self,
        agent: Agent,
        conversation_factory: Callable[..., Conversation],
        contact_factory: Callable[..., Contact],
    ) -> None:
        contact = contact_factory()
        target = conversation_factory(contact=contact, text="第一次")
        source = conversation_factory(contact=contact, text="第二次")
        actions.merge(source=source, target=target, actor=agent)
        source.refresh_from_db()
        assert source.merged_into == target
        assert source.status == Status.CLOSED
        texts = list(target.messages.values_list("text", flat=True))
        assert texts[:2] == ["第一次", "第二次"]
        assert f"{source.reference}" in texts[2]
        reply = actions.receive_message(
            InboundMessage(inbox=source.inbox, contact=contact, text="还在吗", conversation=source)
        )
        assert reply.conversation == target

    def test_two_customers_conversations_never_merge(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        first, second = conversation_factory(), conversation_factory()
        with pytest.raises(MergeRefused):
            actions.merge(source=second, target=first, actor=agent)
        assert second.messages.count() == 1


@pytest.mark.django_db
def test_an_automatic_message_is_numbered_queued_and_redacted(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(language="en")
    phrase = (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "abandon about"
    )
    message = actions.send_automatic(conversation=conversation, text=f"Still on it. {phrase}")
    assert message is not None  # the conversation's channel takes replies
    assert message.author_agent_id is None
    assert message.kind == MessageKind.OUTBOUND
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.seq is not None
    assert "abandon about" not in message.text
    conversation.refresh_from_db()
    assert conversation.first_response_at is None  # it answers nothing


@pytest.mark.django_db
def test_no_automatic_message_goes_to_a_closed_conversation(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        actions.send_automatic(conversation=conversation, text="Still on it.")


def test_a_phone_call_answered_is_the_first_response_once_with_an_internal_note(
    agent: Agent,
    agent_factory: Callable[..., Agent],
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(channel="phone")
    note = actions.answered_by_phone(conversation=conversation, agent=agent)
    conversation.refresh_from_db()
    first = conversation.first_response_at
    assert first is not None
    assert note.kind == MessageKind.NOTE
    assert note.author_agent == agent
    assert AuditEntry.objects.filter(action="conversation.answered_by_phone", actor=agent).exists()
    actions.answered_by_phone(conversation=conversation, agent=agent_factory())
    conversation.refresh_from_db()
    assert conversation.first_response_at == first
