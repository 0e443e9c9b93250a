"""Which existing conversation a message without a session answers (email threading).

A message id or ticket number only proves what the sender typed or their client copied;
another customer's number in a subject must not let them read or write that ticket, so
every match is limited to the sender's own conversations.
"""

import re

from kefu.contacts.models import Contact
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import REFERENCE_PREFIX, Conversation, Message

_REFERENCE = re.compile(re.escape(REFERENCE_PREFIX) + r"0*(\d{1,12})\b", re.IGNORECASE)

# A References header can be hundreds of ids long; the newest ones decide.
_MAX_REFS = 50


def reference_in(text: str) -> str:
    """The first ticket number quoted in `text` ("[K-000123]", "support+K-000123@…")."""
    found = _REFERENCE.search(text)
    return f"{REFERENCE_PREFIX}{int(found.group(1)):06d}" if found else ""


def find_conversation(inbound: InboundMessage, contact: Contact) -> Conversation | None:
    """By the ids the message answers (nearest first), then by the ticket number it quotes."""
    refs = list(dict.fromkeys(ref for ref in inbound.thread_refs if ref))[:_MAX_REFS]
    if refs:
        # The conversations come with their messages: one query, not one more per match.
        matches = {
            message.external_id: message.conversation
            for message in Message.objects.filter(
                external_id__in=refs, conversation__contact=contact
            )
            .select_related("conversation")
            .only("external_id", "conversation")
            .order_by("created_at")
        }
        for ref in refs:
            if ref in matches:
                return matches[ref]
    found = _REFERENCE.search(inbound.reference_hint)
    if found:
        return Conversation.objects.filter(pk=int(found.group(1)), contact=contact).first()
    return None
