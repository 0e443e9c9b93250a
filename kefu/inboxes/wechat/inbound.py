"""WeChat's messages and events → what Kefu does with them (no database writes here).

A customer's text, image, voice message or menu click becomes an InboundMessage (the
media itself is fetched later, by the job, within WeChat's five seconds' answer);
subscribe is answered with a welcome; unsubscribe makes the OpenID unreachable; every
other event is acknowledged and ignored.
"""

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from kefu.contacts.models import IdentityKind
from kefu.conversations import attachments
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.inboxes.models import Inbox
from kefu.inboxes.wechat.platform import Download, Parsed
from kefu.safety.exposure import SAFETY_LINE

MEDIA_TYPES = ("image", "voice")


@dataclass(frozen=True)
class CustomerMessage:
    """A message for a conversation; `media_id` names the file WeChat holds for it."""

    inbound: InboundMessage
    media_id: str = ""
    media_type: str = ""  # "image" or "voice"


@dataclass(frozen=True)
class Welcome:
    text: str


@dataclass(frozen=True)
class Unsubscribed:
    openid: str


@dataclass(frozen=True)
class Ignored:
    pass


Outcome = CustomerMessage | Welcome | Unsubscribed | Ignored


def external_id(parsed: Parsed) -> str:
    """WeChat resends a message it got no answer for within five seconds: the same MsgId
    (or, for an event, the same sender, time and event) is the same message."""
    if parsed.msg_id:
        return f"msg:{parsed.msg_id}"
    return f"event:{parsed.sender}:{parsed.create_time}:{parsed.event}"


def welcome_text() -> str:
    return (
        _(
            "Thank you for following us. Write here whenever you need help and our support "
            "team will answer."
        )
        + f"\n\n{SAFETY_LINE}"
    )


def voice_text(transcript: str) -> str:
    return _("Voice message: %(transcript)s") % {"transcript": transcript}


def read(inbox: Inbox, parsed: Parsed) -> Outcome:
    def message(text: str, media_type: str = "") -> CustomerMessage:
        return CustomerMessage(
            inbound=InboundMessage(
                inbox=inbox,
                text=text,
                identity_kind=IdentityKind.WECHAT,
                identity_value=parsed.sender,
                external_id=external_id(parsed),
            ),
            media_id=parsed.media_id if media_type else "",
            media_type=media_type,
        )

    if parsed.msg_type == "text":
        return message(parsed.content)
    if parsed.msg_type == "image":
        return message("", "image")
    if parsed.msg_type == "voice":
        return message(voice_text(parsed.recognition) if parsed.recognition else "", "voice")
    if parsed.msg_type == "event" and parsed.event == "click":
        # A menu click opens or joins a conversation and opens WeChat's 48-hour window.
        return message(_("Chose the menu item “%(key)s”.") % {"key": parsed.event_key})
    if parsed.msg_type == "event" and parsed.event.startswith("subscribe"):
        return Welcome(welcome_text())
    if parsed.msg_type == "event" and parsed.event == "unsubscribe":
        return Unsubscribed(parsed.sender)
    return Ignored()


def media_file(media_id: str, media_type: str, download: Download | None) -> InboundAttachment:
    """The downloaded file, or (for a file WeChat says is over the limit) raises the refusal."""
    name = f"{media_id}.{'amr' if media_type == 'voice' else 'jpg'}"
    if download is None:
        raise attachments.too_large(name)
    return InboundAttachment(
        filename=download.filename or name,
        content_type=download.content_type,
        content=download.content,
    )


def with_notes(
    inbound: InboundMessage, files: tuple[InboundAttachment, ...], notes: list[str]
) -> InboundMessage:
    """The message with the files kept and a line for each file that could not be."""
    text = "\n".join(part for part in (inbound.text, *notes) if part)
    return replace(inbound, text=text, attachments=files)
