"""Weibo's pushes → what Kefu does with them (no database writes here).

A fan's text becomes an InboundMessage as it is; a location becomes its text and
coordinates; a picture or a voice message becomes a note (the push carries only Weibo's
file ids, and the download API for them is not publicly documented: the agent opens the
account's 私信 box to see it). An unfollow makes the fan unreachable; every other event
(follow, menu, scan) is acknowledged and ignored.
"""

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kefu.contacts.models import IdentityKind
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Inbox
from kefu.inboxes.weibo.platform import Parsed

UNFOLLOW_SUBTYPES = ("unfollow", "unsubscribe")


@dataclass(frozen=True)
class CustomerMessage:
    inbound: InboundMessage


@dataclass(frozen=True)
class Unfollowed:
    uid: str


@dataclass(frozen=True)
class Ignored:
    pass


Outcome = CustomerMessage | Unfollowed | Ignored


def external_id(parsed: Parsed) -> str:
    """Weibo pushes have no message id; it resends a push it got no answer for within
    five seconds, and says sender_id with created_at identifies one. created_at is to
    the second, so a digest of the content keeps two messages of the same second apart
    while a resent push (the same bytes) still matches."""
    content = json.dumps([parsed.msg_type, parsed.text, parsed.data], sort_keys=True)
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    return f"{parsed.sender}:{parsed.created_at}:{digest}"


def _location(parsed: Parsed) -> str:
    note = _("Shared a location: %(latitude)s, %(longitude)s") % {
        "latitude": parsed.data.get("latitude", "?"),
        "longitude": parsed.data.get("longitude", "?"),
    }
    return "\n".join(part for part in (parsed.text, note) if part)


def read(inbox: Inbox, parsed: Parsed) -> Outcome:
    def message(text: str) -> CustomerMessage:
        return CustomerMessage(
            InboundMessage(
                inbox=inbox,
                text=text,
                identity_kind=IdentityKind.WEIBO,
                identity_value=parsed.sender,
                external_id=external_id(parsed),
            )
        )

    if parsed.msg_type == "text":
        return message(parsed.text)
    if parsed.msg_type == "position":
        return message(_location(parsed))
    if parsed.msg_type == "image":
        return message(_("Sent a picture (open the account's Weibo inbox to see it)."))
    if parsed.msg_type == "voice":
        return message(_("Sent a voice message (open the account's Weibo inbox to hear it)."))
    if parsed.msg_type == "event" and parsed.subtype in UNFOLLOW_SUBTYPES:
        return Unfollowed(parsed.sender)
    # Documented: a type or subtype not known yet is to be ignored.
    return Ignored()
