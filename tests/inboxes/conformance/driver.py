"""What each channel's test driver does for the adapter conformance suite
(tests/inboxes/test_conformance.py).

Every package under kefu/inboxes/ is a channel adapter, and every one has a driver in
tests/inboxes/<package>/conformance.py: a function `driver(request) -> Driver` that sets
up the channel's inbox (and the local server standing in for its platform, if any) from
pytest's `request` and returns an object with the methods below. The suite runs the same
cases through every driver, so adding a channel is adding its folder and its driver.

A driver goes through the channel's real entry point — the webhook view with the
platform's real wire format and signature, the SMTP handler, the WebSocket consumer, the
REST API — never by calling receive_message itself, and runs whatever background job
the channel hands the work to before it returns. The module may also say what the
suite must know of it (TRANSACTIONAL, NOT_APPLICABLE, names_files): see the suite's
docstring.
"""

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from kefu.conversations.models import Conversation


@dataclass(frozen=True)
class File:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Delivery:
    """One inbound message as the platform (or the customer's client) would deliver it."""

    # The platform's id for it (a Telegram update_id, a WeChat MsgId, a Message-ID, an
    # API external_id): a second delivery with the same id is the same message.
    delivery_id: str
    # The customer's address on the channel; a driver maps it to the channel's own form
    # (a Telegram user id, an OpenID, an email address), the same for the same string.
    sender: str
    text: str = ""
    # For a file, `text` is its caption where the channel has captions.
    file: File | None = None


class Driver(Protocol):
    # The channel's kefu.inboxes.models.Channel value.
    channel: str

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        """Deliver through the channel's entry point; the status the platform gets back
        (an HTTP status; an SMTP reply as 200 for 250 and the code itself for 4xx/5xx).
        `forged`: signed with the wrong secret, or with no valid credential at all."""
        ...

    def conversation(self, sender: str) -> Conversation:
        """The conversation `sender`'s deliveries opened (the newest)."""
        ...

    def fail_outbound(self) -> AbstractContextManager[None]:
        """Within it, the channel's provider refuses deliveries for now (a 5xx or 429, a
        refused connection), so the delivery job must retry. A channel whose outbound
        side cannot fail (a reply the customer reads on the portal with no mail to send)
        calls pytest.skip with the reason."""
        ...

    def close_window(self, conversation: Conversation) -> None:
        """Make the channel refuse replies to `conversation` the channel's own way (time
        past the window, the user blocked the bot); pytest.skip with the reason on a
        channel that always takes replies."""
        ...
