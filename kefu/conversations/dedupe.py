"""Recognizing a message the same sender already sent (a resend, a second copy to another
address): it joins the ticket it opened instead of opening another one."""

import re
from datetime import datetime, timedelta
from difflib import SequenceMatcher

from django.conf import settings

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Message, MessageKind, Status

# Nearly the same: a resend with a typo fixed or a line added still counts.
_SIMILARITY = 0.9
_RECENT = 20
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def _normalized(text: str) -> str:
    return _NOISE.sub("", text.casefold())


def similar(first: str, second: str) -> bool:
    a, b = _normalized(first), _normalized(second)
    if not a or not b:
        return False
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= _SIMILARITY and matcher.ratio() >= _SIMILARITY


def find_duplicate(text: str, contact: Contact, now: datetime) -> Conversation | None:
    """The open conversation whose recent message from `contact` says the same as `text`."""
    since = now - timedelta(seconds=settings.KEFU_EMAIL_DEDUPE_WINDOW_SECONDS)
    recent = (
        Message.objects.filter(
            author_contact=contact, kind=MessageKind.INBOUND, created_at__gte=since
        )
        .exclude(conversation__status=Status.CLOSED)
        # The conversation comes along: a match needs no second query.
        .select_related("conversation")
        .only("text", "conversation")
        .order_by("-created_at")[:_RECENT]
    )
    for message in recent:
        if similar(text, message.text):
            return message.conversation
    return None
