from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.agents.models import Agent
from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation


def test_customer_visible_messages_are_numbered_without_gaps_and_notes_are_not(
    conversation_factory: Callable[..., Conversation], agent: Agent
) -> None:
    first = actions.receive_message(
        InboundMessage(
            inbox=conversation_factory().inbox,
            identity_kind="email",
            identity_value="seq@example.com",
            text="提现没到账",
        )
    )
    conversation = first.conversation
    note = actions.add_note(conversation=conversation, agent=agent, text="checking")
    reply = actions.send_reply(conversation=conversation, agent=agent, text="正在查")
    again = actions.receive_message(
        InboundMessage(
            inbox=conversation.inbox,
            identity_kind="email",
            identity_value="seq@example.com",
            text="好的",
            conversation=conversation,
        )
    )
    assert [first.seq, reply.seq, again.seq] == [1, 2, 3]
    assert note.seq is None
    conversation.refresh_from_db()
    assert conversation.last_seq == 3


def test_a_new_conversation_numbers_its_first_message_without_an_extra_query(
    conversation_factory: Callable[..., Conversation],
) -> None:
    inbox = conversation_factory().inbox
    inbound = InboundMessage(
        inbox=inbox, identity_kind="email", identity_value="q@example.com", text="你好"
    )
    with CaptureQueriesContext(connection) as queries:
        message = actions.receive_message(inbound)
    assert message.seq == 1
    assert not [q for q in queries.captured_queries if "last_seq + 1" in q["sql"]]


def test_merged_messages_are_numbered_after_the_targets_last_one(
    conversation_factory: Callable[..., Conversation], agent: Agent
) -> None:
    def say(text: str, conversation: Conversation | None = None) -> Conversation:
        return actions.receive_message(
            InboundMessage(
                inbox=inbox,
                identity_kind="email",
                identity_value="merge-seq@example.com",
                text=text,
                conversation=conversation,
            )
        ).conversation

    inbox = conversation_factory().inbox
    target = say("提现没到账")
    actions.send_reply(conversation=target, agent=agent, text="正在查")
    source = say("我又开了一个对话")
    say("还是没到", source)
    actions.merge(source=source, target=target, actor=agent)
    numbers = list(
        target.messages.filter(seq__isnull=False).order_by("seq").values_list("seq", "text")
    )
    assert numbers == [(1, "提现没到账"), (2, "正在查"), (3, "我又开了一个对话"), (4, "还是没到")]
    target.refresh_from_db()
    assert target.last_seq == 4
