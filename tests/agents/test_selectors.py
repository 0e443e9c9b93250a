from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.agents.models import Agent, Availability
from kefu.agents.selectors import really_online


@pytest.mark.django_db
def test_online_means_chose_online_and_has_a_console_open(
    agent_factory: Callable[..., Agent], settings: Any
) -> None:
    settings.KEFU_AGENT_PRESENCE_SECONDS = 90
    now = timezone.now()
    there = agent_factory(last_seen_at=now - timedelta(seconds=30))
    agent_factory(last_seen_at=None)  # a demo account that never signed in
    agent_factory(last_seen_at=now - timedelta(seconds=91))  # closed the console
    agent_factory(availability=Availability.AWAY, last_seen_at=now)
    agent_factory(is_active=False, last_seen_at=now)
    assert list(Agent.objects.filter(really_online(now))) == [there]
