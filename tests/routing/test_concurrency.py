"""Two processes filling the queue at once on PostgreSQL: every chat goes to one agent."""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Inbox
from kefu.routing import actions

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locking under concurrent transactions is checked in the PostgreSQL run",
    ),
]


def test_concurrent_fills_never_give_one_chat_to_two_agents(
    chat_inbox: Inbox,
    chat_factory: Callable[..., Conversation],
    agent_factory: Callable[..., Agent],
) -> None:
    chat_inbox.config = {"auto_assign": True}
    chat_inbox.save()
    chats = [chat_factory() for _ in range(12)]
    for _ in range(3):
        agent_factory(max_concurrent=4)
    start = threading.Barrier(2)
    assigned: list[list[Conversation]] = []
    errors: list[BaseException] = []

    def fill() -> None:
        try:
            start.wait()
            assigned.append(actions.fill_queues())
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fill) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    won = sorted(c.pk for batch in assigned for c in batch)
    assert won == sorted(c.pk for c in chats)  # each chat claimed by exactly one fill
    assert AuditEntry.objects.filter(action="conversation.auto_assign").count() == 12
    assert not Conversation.objects.filter(pk__in=won, assignee__isnull=True).exists()
