"""Fixtures shared by the whole suite: people, conversations, signed-in clients, the job queue."""

from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.agents.models import Agent, Availability, Role
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.inboxes.models import Channel, Inbox
from kefu.portal.session import CONTACT_SESSION_KEY
from tests.services import reachable, services_required


def pytest_configure(config: pytest.Config) -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        url = f"postgres://{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}"
        if not reachable(url):
            reason = f"PostgreSQL is not reachable at {url}"
            if services_required():
                pytest.exit(f"{reason} (KEFU_REQUIRE_SERVICES=1)", returncode=1)
            pytest.exit(f"skipping the PostgreSQL run: {reason}", returncode=0)


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inbox(db: None) -> Inbox:
    return Inbox.objects.create(name="Help center", channel=Channel.PORTAL)


_counter = iter(range(1, 10**9))


@pytest.fixture
def contact_factory(db: None) -> Callable[..., Contact]:
    def make(name: str = "", email: str = "", language: str = "zh-Hans") -> Contact:
        n = next(_counter)
        contact = Contact.objects.create(name=name or f"客户{n}", language=language)
        ContactIdentity.objects.create(
            contact=contact, kind=IdentityKind.EMAIL, value=email or f"customer{n}@example.com"
        )
        return contact

    return make


@pytest.fixture
def agent_factory(db: None) -> Callable[..., Agent]:
    def make(role: str = Role.L1, username: str = "", **fields: Any) -> Agent:
        n = next(_counter)
        fields.setdefault("availability", Availability.ONLINE)
        # A console open (agents.selectors.really_online) unless a test says not.
        fields.setdefault("last_seen_at", timezone.now())
        return Agent.objects.create_user(
            username=username or f"agent{n}",
            password="correct horse battery staple",
            display_name=fields.pop("display_name", f"Agent {n}"),
            role=role,
            is_staff=role == Role.ADMIN,
            **fields,
        )

    return make


@pytest.fixture
def conversation_factory(
    inbox: Inbox, contact_factory: Callable[..., Contact]
) -> Callable[..., Conversation]:
    def make(
        status: str = Status.OPEN,
        contact: Contact | None = None,
        text: str = "提现一直没到账",
        **fields: Any,
    ) -> Conversation:
        contact = contact or contact_factory()
        now = timezone.now()
        conversation = Conversation.objects.create(
            contact=contact,
            inbox=fields.pop("inbox", inbox),
            channel=fields.pop("channel", Channel.PORTAL),
            status=status,
            last_message_at=now,
            resolved_at=now if status in (Status.RESOLVED, Status.CLOSED) else None,
            closed_at=now if status == Status.CLOSED else None,
            **fields,
        )
        Message.objects.create(
            conversation=conversation, kind=MessageKind.INBOUND, author_contact=contact, text=text
        )
        return conversation

    return make


def verified_client(agent: Agent) -> Client:
    """A console client past both factors, as after a real TOTP sign-in."""
    device = TOTPDevice.objects.filter(user=agent, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=agent, name="default", confirmed=True)
    client = Client()
    client.force_login(agent)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def on(
    contact_factory: Callable[..., Contact], conversation_factory: Callable[..., Conversation]
) -> Callable[..., Conversation]:
    """A conversation on `channel` whose customer wrote once, with an email address."""

    def make(channel: str, contact: Contact | None = None) -> Conversation:
        contact = contact or contact_factory()
        email = contact.identities.filter(kind=IdentityKind.EMAIL).first()
        if email is not None and not contact.email:
            contact.email = email.value
            contact.save(update_fields=["email"])
        inbox = Inbox.objects.create(name=channel, channel=channel)
        return conversation_factory(contact=contact, inbox=inbox, channel=channel, text="在吗")

    return make


@pytest.fixture
def agent(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L1)


@pytest.fixture
def agent_client(agent: Agent) -> Client:
    return verified_client(agent)


def portal_client_for(contact: Contact) -> Client:
    client = Client()
    session = client.session
    session[CONTACT_SESSION_KEY] = contact.pk
    session.save()
    assert session.session_key is not None
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Close PostgreSQL connections before pytest-django drops the test database.

    The pool keeps idle connections open, and a connection that an async test's worker
    thread checked out is never handed back; PostgreSQL refuses to drop a database that
    any session still uses, so the drop would be skipped.
    """
    yield
    for connection in connections.all(initialized_only=True):
        if isinstance(connection, PostgresDatabaseWrapper):
            with django_db_blocker.unblock(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            connection.close()
            connection.close_pool()  # type: ignore[attr-defined]  # Django 5.1+, not in the stubs


def worker_shares_test_connection() -> Any:
    """Let the job worker run inside a test's transaction.

    The worker closes "old" connections between jobs; inside a test that would close the
    test's own connection (with pooling, hand it back), so it keeps using it as is.
    """
    return mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    )


@pytest.fixture
def run_tasks(db: None) -> Callable[[], None]:
    """Run every job that is due, in this process, with the real database worker."""

    def run() -> None:
        with worker_shares_test_connection():
            call_command(
                "db_worker",
                batch=True,
                queue_name="*",
                no_startup_delay=True,
                interval=0,
                verbosity=0,
            )

    return run
