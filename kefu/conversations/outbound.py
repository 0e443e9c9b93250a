"""What a channel adapter's outbound side promises the delivery job, and who it is.

An adapter's `deliver(message)` hands one stored reply to its channel. It raises
RetryableError when the provider refuses for now (the job tries again later) and
PermanentError when the message can never go (the message shows as failed).

The adapters sit above conversations (they import it to build inbound messages), so the
delivery job cannot import them: kefu/inboxes/registry.py installs them here when the
inboxes app starts (InboxesConfig.ready).
"""

from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured

from kefu.conversations.models import Message

Deliver = Callable[[Message], None]


class RetryableError(Exception):
    """The provider is down or refused for now; delivery is tried again later."""


class PermanentError(Exception):
    """The message can never be delivered (bad address, rejected content)."""


_deliverers: dict[str, Deliver] = {}
_fallback: Deliver | None = None


def install(deliverers: Mapping[str, Deliver], *, fallback: Deliver) -> None:
    """Take the channels' deliverers; `fallback` serves a channel that has none."""
    global _fallback
    _deliverers.clear()
    _deliverers.update(deliverers)
    _fallback = fallback


def deliverer_for(channel: str) -> Deliver:
    if _fallback is None:
        raise ImproperlyConfigured(
            "No channel adapters are installed: kefu.inboxes must be in INSTALLED_APPS."
        )
    return _deliverers.get(channel, _fallback)
