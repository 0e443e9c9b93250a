"""The API does what /api/openapi.json says, for every operation, with a token and without.

schemathesis generates requests from the schema (its examples, boundary values, random
valid and invalid data) and checks every answer: no server error, a documented status and
content type, a body of the documented shape, invalid data refused and valid data
accepted. Seeded and bounded, so both runs of `make test` see the same requests.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from kefu.agents.models import Agent, Role
from kefu.api.actions import create_token
from kefu.asgi import application
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Attachment, Conversation, Message, MessageKind
from kefu.helpcenter.flows.models import FlowRun
from kefu.inboxes.models import Channel, Inbox

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
# The ids the schema's examples name, so the examples phase reaches real rows.
EXAMPLE_ID = 123
EXAMPLE_FLOW_TOKEN = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261206,
        "generation": {
            "mode": "all",
            "max-examples": 25,
            "deterministic": True,
            "database": "none",
            # U+0000 is refused in every string (422 null_character, as the API's
            # description says); valid data must not carry it.
            "allow-x00": False,
        },
        "operations": [
            {
                # Which answers a run takes depends on its current step, which no schema can
                # say: an answer the step does not take is a documented 422.
                "include-operation-id": "answer",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
                    }
                },
            },
            {
                # A canned reply needs one non-empty text and passes the outbound guard when
                # saved: what the texts say decides, which no schema can; a documented 422.
                "include-operation-id": ["create_canned_reply", "update_canned_reply"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
                    }
                },
            },
        ],
    }
)


@dataclass(frozen=True)
class World:
    token: str


@pytest.fixture
def world(transactional_db: None, agent_factory: Callable[..., Agent]) -> World:
    """A token's agent and inbox, and the rows the schema's examples name."""
    cache.clear()  # rate limits: each run starts with the full allowance
    admin = agent_factory(role=Role.ADMIN)
    inbox = Inbox.objects.create(name="Exchange app", channel=Channel.API)
    _, key = create_token(actor=admin, name="app", inbox=inbox, acts_as=agent_factory())
    contact = Contact.objects.create(pk=EXAMPLE_ID, name="李雷", language="zh-Hans")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.EMAIL, value="li@example.com")
    conversation = Conversation.objects.create(
        pk=EXAMPLE_ID,
        contact=contact,
        inbox=inbox,
        channel=Channel.API,
        last_message_at=timezone.now(),
    )
    message = Message.objects.create(
        conversation=conversation,
        kind=MessageKind.INBOUND,
        author_contact=contact,
        text="提现没到账",
    )
    attachment = Attachment(
        pk=EXAMPLE_ID, message=message, filename="截图.png", content_type="image/png", size=len(PNG)
    )
    attachment.file.save("screen.png", ContentFile(PNG), save=True)
    FlowRun.objects.create(
        token=EXAMPLE_FLOW_TOKEN, intent="transaction_failed", language="zh-Hans", step="describe"
    )
    # Rows made with their own ids leave PostgreSQL's sequences behind; move them past.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Contact, Conversation, Attachment]
        ):
            cursor.execute(statement)
    return World(token=key)


# The project's ASGI application, in this process, reached through a requests-like client
# (its views run in another thread: the rows above are committed, hence transactional_db).
# Loaded while tests are collected, before the test settings allow the client's host name.
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", application, config=CONFIG, headers={"Host": "localhost"}
)


# One set of rows per operation, shared by its generated requests (they may change them,
# as any client would).
SHARED_ROWS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.parametrize()
@SHARED_ROWS
def test_every_operation_with_a_token(case: Any, world: World) -> None:
    response = case.call(headers={"Authorization": f"Bearer {world.token}"})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@SHARED_ROWS
def test_every_operation_without_a_token(case: Any, world: World) -> None:
    response = case.call()
    case.validate_response(response, checks=CHECKS)
