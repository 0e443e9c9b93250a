"""X's Account Activity payload -> InboundMessages. No database writes: the receiver hands
each result to receive_message.

Files: a DM's photo, GIF or video sits at ton.twitter.com behind the account's OAuth
signature, and X keeps it while the DM exists. Kefu does not download it: the message
keeps a note saying a file was sent and can be seen in the conversation on X. Fetching
would put every customer upload (screenshots of wallets and ID cards among them) into
Kefu's storage through a second signed client, for files agents open in X anyway; a
webhook answer also has to come fast, and a download would hold it.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kefu.contacts.models import IdentityKind
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Inbox

# The only DM event that carries a customer message; typing and read receipts are not.
MESSAGE_CREATE = "message_create"


class Malformed(ValueError):
    """The payload is JSON but not X's shape (a field missing or of the wrong type)."""


@dataclass(frozen=True)
class Payload:
    for_user_id: str
    events: list[dict[str, Any]]
    users: dict[str, Any]


def _dict(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed(f"{name} is not an object")
    return value


def read_payload(data: object) -> Payload:
    """The parts of a webhook POST the receiver needs; Malformed if they are not there."""
    body = _dict(data, "payload")
    events = body.get("direct_message_events", [])
    if not isinstance(events, list):
        raise Malformed("direct_message_events is not a list")
    return Payload(
        for_user_id=str(body.get("for_user_id", "")),
        events=[_dict(event, "event") for event in events],
        users=_dict(body.get("users", {}), "users"),
    )


def _expanded(text: str, entities: dict[str, Any], media_url: str) -> str:
    """The text with each t.co link written out (agents see where it points; a phishing
    link is recognisable), and the link X appends for an attached file removed."""
    if media_url:
        text = text.replace(media_url, "").strip()
    for link in entities.get("urls", []) or []:
        if isinstance(link, dict) and link.get("url") and link.get("expanded_url"):
            text = text.replace(str(link["url"]), str(link["expanded_url"]))
    return text


def _file_note(attachment: dict[str, Any]) -> str:
    media = attachment.get("media") or {}
    kind = media.get("type", "") if isinstance(media, dict) else ""
    labels = {"photo": _("a photo"), "animated_gif": _("a GIF"), "video": _("a video")}
    return _("[The customer sent %(file)s; it can be seen in the conversation on X.]") % {
        "file": labels.get(kind, _("a file"))
    }


def sender_of(event: dict[str, Any]) -> str:
    create = _dict(event.get("message_create"), "message_create")
    return str(create.get("sender_id", ""))


def inbound_message(inbox: Inbox, event: dict[str, Any], users: dict[str, Any]) -> InboundMessage:
    """One message_create event as the customer's message (its event id the external id,
    so a replayed event is stored once)."""
    create = _dict(event.get("message_create"), "message_create")
    data = _dict(create.get("message_data"), "message_data")
    sender = str(create.get("sender_id", ""))
    if not sender or not event.get("id"):
        raise Malformed("an event without its id or sender")
    attachment = data.get("attachment")
    media = attachment.get("media") if isinstance(attachment, dict) else None
    media_url = str(media.get("url", "")) if isinstance(media, dict) else ""
    text = _expanded(str(data.get("text", "")), data.get("entities") or {}, media_url)
    parts = [text, _file_note(attachment) if isinstance(attachment, dict) else ""]
    user = users.get(sender) or {}
    name = str(user.get("name") or user.get("screen_name") or "") if isinstance(user, dict) else ""
    return InboundMessage(
        inbox=inbox,
        text="\n\n".join(part for part in parts if part),
        identity_kind=IdentityKind.X,
        identity_value=sender,
        contact_name=name,
        external_id=f"dm:{event['id']}",
    )
