"""Replies to a Messenger customer through the Send API (POST /{page-id}/messages): the
text in 2000-character parts, then each file uploaded with the message.

Meta's rule, computed here again at delivery time (the reply may have waited in the
queue): within 24 hours of the customer's last message a reply goes as RESPONSE; after
that, for 7 days, only with the HUMAN_AGENT tag, which Meta allows for what a person
wrote — never for an automatic message (a bot reply tagged HUMAN_AGENT breaks Meta's
policy and can get the page restricted), so that one fails instead.
"""

import json
from typing import Any

from django.utils.translation import gettext as _

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Attachment, Message
from kefu.conversations.outbound import PermanentError, RetryableError, text_to_send
from kefu.conversations.reply_window import Mode, reply_window
from kefu.inboxes.messenger.graph import GraphError, call
from kefu.inboxes.messenger.models import FacebookPage

# The Send API takes at most 2000 characters of text per message.
TEXT_LIMIT = 2000
HUMAN_AGENT = "HUMAN_AGENT"

# Meta's codes (developers.facebook.com/docs/messenger-platform/error-codes and
# /docs/graph-api/guides/error-handling): temporary failures and rate limits.
RETRYABLE_CODES = frozenset({1, 2, 4, 17, 32, 613})
TOKEN_INVALID = 190
# "This message is sent outside of allowed window" (code 10, subcode 2018278).
OUTSIDE_WINDOW_CODE = 10
OUTSIDE_WINDOW_SUBCODE = 2018278
# "This person isn't available right now" (551 / 1545041), and 200 with 2018108 (the
# person cannot receive messages from the page) or 2018028 (blocked / not allowed).
UNAVAILABLE_CODE = 551
UNREACHABLE_SUBCODES = frozenset({1545041, 2018108, 2018028})


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at a line break where there is one."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts


def _psid(message: Message) -> str:
    # A PSID is per page; the contact's newest one is the one their messages came from.
    identity = (
        ContactIdentity.objects.filter(
            contact_id=message.conversation.contact_id, kind=IdentityKind.MESSENGER
        )
        .order_by("-created_at")
        .first()
    )
    if identity is None:
        raise PermanentError(_("The customer has no Messenger account to write to."))
    return identity.value


def sending_type(message: Message) -> dict[str, str]:
    """messaging_type (and tag) the reply takes now, or PermanentError when none may go."""
    window = reply_window(message.conversation)
    if window.mode == Mode.FREE:
        return {"messaging_type": "RESPONSE"}
    if window.mode == Mode.TAG:
        if message.author_agent_id is None:
            raise PermanentError(
                _(
                    "More than 24 hours since the customer last wrote: only a reply written "
                    "by an agent may still go (with Messenger's HUMAN_AGENT tag), not an "
                    "automatic message."
                )
            )
        return {"messaging_type": "MESSAGE_TAG", "tag": HUMAN_AGENT}
    raise PermanentError(window.reason)


def deliver(message: Message) -> None:
    page = FacebookPage.objects.filter(inbox_id=message.conversation.inbox_id).first()
    if page is None:
        raise PermanentError(_("The conversation's inbox has no Facebook page connected."))
    psid = _psid(message)
    kind = sending_type(message)
    try:
        for part in split_text(text_to_send(message)):
            _send(page, {"recipient": {"id": psid}, **kind, "message": {"text": part}})
        for attachment in message.attachments.all():
            _send_file(page, psid, kind, attachment)
    except GraphError as error:
        raise _refusal(error, psid) from error


def _send(page: FacebookPage, body: dict[str, Any]) -> None:
    call(page, "POST", f"{page.page_id}/messages", json=body)


def attachment_type(content_type: str) -> str:
    for kind in ("image", "audio", "video"):
        if content_type.startswith(f"{kind}/"):
            return kind
    return "file"


def _send_file(page: FacebookPage, psid: str, kind: dict[str, str], attachment: Attachment) -> None:
    """The file uploaded with the message (multipart `filedata`): Meta cannot fetch our
    attachments, which are behind the agents' login."""
    with attachment.file.open("rb") as stored:
        content = stored.read()
    message = {"attachment": {"type": attachment_type(attachment.content_type), "payload": {}}}
    data = {
        "recipient": json.dumps({"id": psid}),
        "message": json.dumps(message),
        **kind,
    }
    files = {"filedata": (attachment.filename, content, attachment.content_type)}
    call(page, "POST", f"{page.page_id}/messages", data=data, files=files)


def _refusal(error: GraphError, psid: str) -> Exception:
    if error.code is None or (error.status or 0) >= 500 or error.code in RETRYABLE_CODES:
        # No answer, Meta's own trouble, or a rate limit: the job tries again later.
        return RetryableError(str(error))
    if error.code == TOKEN_INVALID:
        return PermanentError(
            _("Facebook refused the page's access token: the page must be reconnected (%(error)s).")
            % {"error": error.message}
        )
    if error.code == OUTSIDE_WINDOW_CODE or error.subcode == OUTSIDE_WINDOW_SUBCODE:
        return PermanentError(
            _(
                "Messenger refused the reply: it is outside the time allowed after the "
                "customer's last message."
            )
        )
    if error.code == UNAVAILABLE_CODE or error.subcode in UNREACHABLE_SUBCODES:
        reason = _("Messenger says this person isn't available (%(error)s).") % {
            "error": error.message
        }
        mark_unreachable(IdentityKind.MESSENGER, psid, reason=reason)
        return PermanentError(reason)
    return PermanentError(str(error))
