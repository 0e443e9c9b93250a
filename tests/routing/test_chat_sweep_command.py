from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.routing import actions


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


def test_a_failed_round_is_logged_and_the_next_one_runs(
    chat_factory: Callable[..., Conversation],
    agent_factory: Callable[..., Agent],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from kefu.routing.management.commands import chat_sweep

    agent = agent_factory()
    chat = chat_factory(assignee=agent)
    Message.objects.create(conversation=chat, kind=MessageKind.OUTBOUND, author_agent=agent)
    Conversation.objects.filter(pk=chat.pk).update(
        last_message_at=timezone.now() - timedelta(hours=1)
    )
    rounds: list[str] = []

    def flaky_sweep() -> actions.IdleSweep:
        rounds.append("sweep")
        if len(rounds) == 1:
            raise OperationalError("the server closed the connection")
        return actions.sweep_idle_chats()

    def sleep(seconds: float) -> None:
        if len(rounds) == 2:
            raise KeyboardInterrupt  # ends the loop after the second round

    monkeypatch.setattr(chat_sweep, "sweep_idle_chats", flaky_sweep)
    monkeypatch.setattr("kefu.routing.management.commands.chat_sweep.time.sleep", sleep)
    # The test's own transaction holds the only connection there is.
    monkeypatch.setattr(chat_sweep, "close_old_connections", lambda: None)
    output = StringIO()
    with pytest.raises(KeyboardInterrupt):
        call_command("chat_sweep", stdout=output)
    assert "idle-chat sweep failed" in caplog.text
    assert output.getvalue().strip() == "warned 1, resolved 0"
