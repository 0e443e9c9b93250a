from collections.abc import Callable
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, Message, MessageKind


def test_one_sweep_warns_an_idle_chat_and_reports_it(
    chat_factory: Callable[..., Conversation], agent_factory: Callable[..., Agent]
) -> None:
    agent = agent_factory()
    chat = chat_factory(assignee=agent)
    Message.objects.create(conversation=chat, kind=MessageKind.OUTBOUND, author_agent=agent)
    Conversation.objects.filter(pk=chat.pk).update(
        last_message_at=timezone.now() - timedelta(hours=1)
    )
    output = StringIO()
    call_command("chat_sweep", "--once", stdout=output)
    assert output.getvalue().strip() == "warned 1, resolved 0"
    assert hasattr(Conversation.objects.get(pk=chat.pk), "idle_warning")
