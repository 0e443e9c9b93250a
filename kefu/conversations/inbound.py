"""The normalized inbound message: what every channel adapter hands receive_message.

conversations owns this contract because it consumes it; the adapters (kefu/inboxes/<channel>/)
sit above conversations and build it, so a new channel imports this module and never
the other way round. Every field says why it exists and who trusts it. A field is added
only when a second channel needs it: what is one channel's alone stays in that
channel's folder, so the shared message does not become a grab-bag of every platform.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kefu.contacts.models import Contact
    from kefu.conversations.models import Conversation
    from kefu.inboxes.models import Inbox


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes
    # The charset the sender declared for a text file (a MIME or multipart parameter):
    # a hint for reading it, checked against the bytes.
    charset: str = ""
    # Kinds of secret an earlier screening already removed from the file: a chat upload
    # is screened when it arrives, before the message that carries it, which must still
    # warn, flag and alert as if the secret were in its text.
    kinds_removed: frozenset[str] = frozenset()


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
    # Threading for channels without a session (email): the channel ids this message
    # answers (In-Reply-To, References), and a ticket number the sender quoted
    # ("K-000123" from a subject or a plus-address). Trusted only for the same contact.
    thread_refs: tuple[str, ...] = ()
    reference_hint: str = ""
    # The same text from the same sender within the window joins the ticket it opened.
    deduplicate: bool = False
    # Answer a new ticket (or a duplicate) with its number and expected response time;
    # False for anything a machine sent, so two auto-responders never loop.
    acknowledge: bool = False
    # The whole message as received (quoted history included), kept for agents.
    original: str = ""
    # A delivery-status notification: the channel ids of our messages that failed.
    bounce_of: tuple[str, ...] = ()
    bounce_reason: str = ""
    # Kinds of secret an earlier screening already removed from the text fields: a
    # message screened before it waited in a job queue (WeChat's, answered at once) is
    # not screened again, yet still warns, flags and alerts as if found here.
    kinds_removed: frozenset[str] = frozenset()
