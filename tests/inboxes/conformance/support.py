"""Pieces the channels' conformance drivers share (see driver.py for the contract)."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import override_settings

from kefu.conversations.models import Conversation


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
