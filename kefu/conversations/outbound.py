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

from kefu.conversations.models import Message, MessageKind
from kefu.core.languages import in_language
from kefu.safety.exposure import SAFETY_LINE

Deliver = Callable[[Message], None]


class RetryableError(Exception):
    """The provider is down or refused for now; delivery is tried again later.

    `retry_after`: the seconds the provider asked us to wait (Telegram's 429 retry_after,
    an HTTP Retry-After); the next attempt waits at least that long.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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


def text_to_send(message: Message) -> str:
    """The text a messaging channel sends for `message`: the first message the customer
    gets in a conversation ends with the safety line, in the conversation's language.

    On a chat app anyone can message the customer and call it support; the line from the
    real support desk, at the start of every conversation, is what they can check against.
    """
    earlier = message.conversation.messages.filter(
        kind=MessageKind.OUTBOUND, created_at__lte=message.created_at, pk__lt=message.pk
    )
    if earlier.exists():
        return message.text
    line = in_language(message.conversation.language, lambda: str(SAFETY_LINE))
    return f"{message.text}\n\n{line}" if message.text else line
