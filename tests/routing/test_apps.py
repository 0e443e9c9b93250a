from collections.abc import Callable
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, Message, MessageKind


def test_the_scheduler_runs_the_idle_chat_sweep(
    chat_factory: Callable[..., Conversation], agent_factory: Callable[..., Agent]
) -> None:
    agent = agent_factory()
    chat = chat_factory(assignee=agent)
    Message.objects.create(conversation=chat, kind=MessageKind.OUTBOUND, author_agent=agent)
    Conversation.objects.filter(pk=chat.pk).update(
        last_message_at=timezone.now() - timedelta(hours=1)
    )
    output = StringIO()
    call_command("scheduler", "--once", stdout=output)
    assert "routing.idle_chats: warned 1, resolved 0" in output.getvalue().splitlines()
    assert hasattr(Conversation.objects.get(pk=chat.pk), "idle_warning")
