"""Pieces the channels' conformance drivers share (see driver.py for the contract)."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from kefu.contacts.actions import add_identity
from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation, Message, MessageKind


def newest_conversation(kind: str, value: str) -> Conversation:
    """The newest conversation of the customer with this identity."""
    return Conversation.objects.filter(
        contact__identities__kind=kind, contact__identities__value=value
    ).latest("pk")


@contextmanager
def smtp_refused() -> Iterator[None]:
    """Mail goes to an SMTP server that refuses connections (a closed loopback port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port was free a moment ago and nothing listens on it now.
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
    ):
        yield


def heard_long_ago(conversation: Conversation, hours: int) -> None:
    """The customer last wrote `hours` ago (past a channel's reply window), and is one who
    has written by email too: another way to reach them needs their address, which
    messaging platforms never give."""
    Message.objects.filter(conversation=conversation, kind=MessageKind.INBOUND).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )
    add_identity(conversation.contact, IdentityKind.EMAIL, f"{conversation.contact_id}@example.com")
