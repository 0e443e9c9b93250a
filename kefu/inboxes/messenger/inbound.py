"""Messenger's webhook events → what Kefu does with them (no database writes here).

A customer's message (text, quick reply, files given by URL) or a button they pressed
becomes an InboundMessage; the files are fetched later, by the job the receiver queues.
The Get Started button is answered with a welcome; our own messages echoed back
(is_echo), delivery and read receipts, reactions and referrals are acknowledged and
ignored: none of them is something the customer asked.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from kefu.contacts.models import IdentityKind
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Inbox
from kefu.safety.exposure import SAFETY_LINE

# The payload Kefu gives the page's Get Started button (actions.subscribe sets it).
GET_STARTED = "GET_STARTED"
# Attachment types Meta gives by URL; a location, a shared post or a sticker's fallback
# carries no file of the customer's.
FILE_TYPES = ("image", "video", "audio", "file")
_EXTENSIONS = {"image": "jpg", "video": "mp4", "audio": "mp4", "file": "bin"}


@dataclass(frozen=True)
class RemoteFile:
    """A file Meta holds for a message: fetched by the job, named as its URL names it."""

    kind: str
    url: str
    name: str


@dataclass(frozen=True)
class CustomerMessage:
    inbound: InboundMessage
    files: tuple[RemoteFile, ...] = ()


@dataclass(frozen=True)
class Welcome:
    psid: str


@dataclass(frozen=True)
class Ignored:
    reason: str


Outcome = CustomerMessage | Welcome | Ignored


def welcome_text(page_name: str) -> str:
    hello = _(
        "Hello, this is %(name)s customer support. Write your question here and an agent "
        "will answer you in this chat."
    ) % {"name": page_name}
    return f"{hello}\n\n{SAFETY_LINE}"


def file_name(kind: str, url: str, index: int) -> str:
    """The name in the file's URL (Meta keeps a document's own name as the last part of
    its CDN path); a photo's is a number, so a readable one is made up instead."""
    last = PurePosixPath(unquote(urlsplit(url).path)).name
    if kind == "file" and last:
        return last
    suffix = PurePosixPath(last).suffix.lstrip(".") or _EXTENSIONS.get(kind, "bin")
    return f"{kind}-{index}.{suffix}"


def remote_files(message: dict[str, Any]) -> tuple[RemoteFile, ...]:
    found = []
    for index, attachment in enumerate(message.get("attachments") or [], start=1):
        if not isinstance(attachment, dict) or attachment.get("type") not in FILE_TYPES:
            continue
        payload = attachment.get("payload")
        url = payload.get("url") if isinstance(payload, dict) else None
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            kind = str(attachment["type"])
            found.append(RemoteFile(kind, url, file_name(kind, url, index)))
    return tuple(found)


def customer_message(inbox: Inbox, psid: str, message: dict[str, Any]) -> CustomerMessage:
    """A customer's message event (text, quick reply, files) as an InboundMessage.

    A quick reply arrives as the text of the button pressed (its payload is ours, not the
    customer's words). `mid` is Meta's id for the message: a redelivery is stored once.
    """
    text = message.get("text")
    return CustomerMessage(
        inbound=InboundMessage(
            inbox=inbox,
            text=text if isinstance(text, str) else "",
            identity_kind=IdentityKind.MESSENGER,
            identity_value=psid,
            external_id=f"mid:{message['mid']}",
        ),
        files=remote_files(message),
    )


def _postback(inbox: Inbox, psid: str, event: dict[str, Any]) -> Outcome:
    postback = event["postback"]
    if not isinstance(postback, dict):
        return Ignored("malformed postback")
    if postback.get("payload") == GET_STARTED:
        return Welcome(psid)
    # Another button of ours (a persistent-menu item): the customer chose a topic, which
    # opens a conversation like a message would. Meta gives newer postbacks a mid.
    delivery = postback.get("mid") or f"{psid}:{event.get('timestamp', '')}"
    title = str(postback.get("title") or postback.get("payload") or "")
    return CustomerMessage(
        inbound=InboundMessage(
            inbox=inbox,
            text=_("Chose the menu item “%(title)s”.") % {"title": title},
            identity_kind=IdentityKind.MESSENGER,
            identity_value=psid,
            external_id=f"postback:{delivery}",
        )
    )


def link_text(event: dict[str, Any]) -> str:
    """What a link command may be in: a customer's text, or the `ref` of an m.me link
    (a referral event in an open thread, or on the Get Started press that opens one)."""
    message = event.get("message")
    if isinstance(message, dict):
        text = message.get("text")
        return text if isinstance(text, str) and not message.get("is_echo") else ""
    postback = event.get("postback")
    holder = postback if isinstance(postback, dict) else event
    referral = holder.get("referral")
    ref = referral.get("ref") if isinstance(referral, dict) else None
    return ref if isinstance(ref, str) else ""


def read(inbox: Inbox, event: dict[str, Any]) -> Outcome:
    """One event of an entry's `messaging[]`."""
    sender = event.get("sender")
    psid = sender.get("id") if isinstance(sender, dict) else None
    if not isinstance(psid, str) or not psid:
        return Ignored("no sender")
    message = event.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            # Our own send (or the page's inbox app's), echoed back: already ours.
            return Ignored("echo")
        if not isinstance(message.get("mid"), str):
            return Ignored("message without mid")
        return customer_message(inbox, psid, message)
    if "postback" in event:
        return _postback(inbox, psid, event)
    # delivery, read, reaction, referral (an m.me link or ad opened: nothing said yet),
    # optin, account_linking …
    kinds = sorted(key for key in event if key not in {"sender", "recipient", "timestamp"})
    return Ignored(",".join(kinds) or "empty event")
