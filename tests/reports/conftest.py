"""A seeded random help desk for the report tests: every table the rollups read."""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import models

from kefu.agents.models import Agent, Team
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.core.intents import Intent
from kefu.feedback.models import Survey
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.inboxes.models import Channel, Inbox
from kefu.sla.models import Clock, SlaPolicy, Target

# Mid-day on a Wednesday, UTC: the generated data spans the three days before.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
SPAN_HOURS = 72


@contextmanager
def stamped_as_given(*fields: "models.DateTimeField[Any, Any]") -> Iterator[None]:
    """Let bulk_create keep generated auto_now_add stamps (history, not "now")."""
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


@dataclass
class World:
    teams: list[Team]
    inboxes: list[Inbox]
    agents: list[Agent]
    start: datetime
    end: datetime


def _at(rng: random.Random, start: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(SPAN_HOURS * 3600))


def generate(
    rng: random.Random,
    conversations: int,
    teams: list[Team],
    inboxes: list[Inbox],
    agents: list[Agent],
    start: datetime,
) -> None:
    contact = Contact.objects.create(name="客户")
    policy = SlaPolicy.objects.create(name="Reports test", first_response_minutes=30)
    intents = [Intent.DEPOSIT_MISSING, Intent.ACCOUNT_LOCKED, ""]
    made = []
    for _n in range(conversations):
        inbox = rng.choice(inboxes)
        created = _at(rng, start)
        first = (
            created + timedelta(seconds=rng.randrange(30, 20000)) if rng.random() < 0.8 else None
        )
        resolved = (
            created + timedelta(seconds=rng.randrange(60, 200000)) if rng.random() < 0.6 else None
        )
        made.append(
            Conversation(
                contact=contact,
                inbox=inbox,
                channel=inbox.channel,
                status=Status.RESOLVED if resolved else rng.choice([Status.OPEN, Status.PENDING]),
                intent=rng.choice(intents),
                team=rng.choice([*teams, None]),
                assignee=rng.choice([*agents, None]),
                created_at=created,
                last_message_at=created,
                first_response_at=first,
                resolved_at=resolved,
            )
        )
    created_at = Conversation._meta.get_field("created_at")
    message_at = Message._meta.get_field("created_at")
    assert isinstance(created_at, models.DateTimeField)
    assert isinstance(message_at, models.DateTimeField)
    with stamped_as_given(created_at, message_at):
        stored = Conversation.objects.bulk_create(made)
        messages = []
        clocks = []
        surveys = []
        for conversation in stored:
            for _m in range(rng.randrange(0, 4)):
                messages.append(
                    Message(
                        conversation=conversation,
                        kind=rng.choice(
                            [MessageKind.OUTBOUND, MessageKind.INBOUND, MessageKind.NOTE]
                        ),
                        author_agent=rng.choice(agents),
                        created_at=_at(rng, start),
                    )
                )
            for target in (Target.FIRST_RESPONSE, Target.RESOLUTION):
                roll = rng.random()
                clocks.append(
                    Clock(
                        conversation=conversation,
                        policy=policy,
                        target=target,
                        business=False,
                        started_at=conversation.created_at,
                        fulfilled_at=_at(rng, start) if roll < 0.6 or roll > 0.9 else None,
                        breached_at=_at(rng, start) if roll > 0.75 else None,
                    )
                )
            if conversation.resolved_at and rng.random() < 0.7:
                answered = rng.random() < 0.8
                surveys.append(
                    Survey(
                        conversation=conversation,
                        resolved_at=conversation.resolved_at,
                        token=f"t{conversation.pk}",
                        inbox_id=conversation.inbox_id,
                        channel=conversation.channel,
                        intent=conversation.intent,
                        language="zh-Hans",
                        team_id=conversation.team_id,
                        agent_id=conversation.assignee_id,
                        expires_at=conversation.resolved_at + timedelta(days=7),
                        rating=rng.randrange(1, 6) if answered else None,
                        comment=rng.choice(["", "", "很快，谢谢", "太慢了"]) if answered else "",
                        contacted_outside=rng.choice([True, False, None]) if answered else None,
                        answered_at=_at(rng, start) if answered else None,
                    )
                )
        Message.objects.bulk_create(messages)
        Clock.objects.bulk_create(clocks)
        Survey.objects.bulk_create(surveys)
    FlowRun.objects.bulk_create(
        [
            FlowRun(
                intent=rng.choice(intents[:2]),
                language="zh-Hans",
                step="start",
                outcome=rng.choice(list(RunOutcome)),
                started_at=_at(rng, start),
            )
            for _n in range(conversations // 2)
        ]
    )


@pytest.fixture
def world_factory(db: None, agent_factory: Callable[..., Agent]) -> Callable[..., World]:
    def make(conversations: int = 300, seed: int = 17, **_: Any) -> World:
        rng = random.Random(seed)
        teams = [
            Team.objects.get_or_create(slug=slug, name=name)[0]
            for slug, name in (("kyc", "KYC"), ("wallet", "Wallet"))
        ]
        inboxes = [
            Inbox.objects.get_or_create(name=name, channel=channel)[0]
            for name, channel in (
                ("Portal", Channel.PORTAL),
                ("Mail", Channel.EMAIL),
                ("Telegram", Channel.TELEGRAM),
            )
        ]
        agents = list(Agent.objects.filter(username__startswith="report-agent"))
        if not agents:
            agents = [agent_factory(username=f"report-agent{n}") for n in range(3)]
        start = NOW - timedelta(hours=SPAN_HOURS)
        generate(rng, conversations, teams, inboxes, agents, start)
        return World(
            teams=teams, inboxes=inboxes, agents=agents, start=start, end=NOW + timedelta(days=4)
        )

    return make
