"""The shape every channel adapter shares.

inbound.py turns raw channel input into an InboundMessage (no database writes);
outbound.py has deliver(message), raising RetryableError or PermanentError;
the receiver (a view, consumer, poller or server) calls
conversations.actions.receive_message and nothing else.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kefu.contacts.models import Contact
    from kefu.conversations.models import Conversation
    from kefu.inboxes.models import Inbox


class RetryableError(Exception):
    """The provider is down or refused for now; delivery is tried again later."""


class PermanentError(Exception):
    """The message can never be delivered (bad address, rejected content)."""


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMessage:
    """One customer message, normalized by a channel adapter, not yet screened or stored."""

    inbox: "Inbox"
    text: str
    # Who sent it: a known contact (signed-in portal user) or an address on the channel.
    contact: "Contact | None" = None
    identity_kind: str = ""
    identity_value: str = ""
    contact_name: str = ""
    html: str = ""
    subject: str = ""
    attachments: tuple[InboundAttachment, ...] = field(default_factory=tuple)
    # The channel's id for this message; a second delivery with the same id is dropped.
    external_id: str = ""
    # Set when the channel already knows the thread (portal reply, chat session).
    conversation: "Conversation | None" = None
    intent: str = ""
    language: str = ""
