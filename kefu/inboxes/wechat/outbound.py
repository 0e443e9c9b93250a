"""Agent replies to WeChat through the customer-service message API (message/custom/send).

WeChat allows these within 48 hours of the customer's last message, at most 20 per
window (conversations.reply_window enforces both before a reply is stored; WeChat's own
refusals below are the backstop).
"""

from django.utils.translation import gettext as _

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Attachment, Message
from kefu.conversations.outbound import PermanentError, RetryableError, text_to_send
from kefu.inboxes.wechat import platform, tokens
from kefu.inboxes.wechat.models import WeChatAccount

# WeChat's limit for one text message, in UTF-8 bytes.
TEXT_LIMIT_BYTES = 2048
OUTSIDE_WINDOW = 45015
QUOTA_USED = 45047
UNFOLLOWED = 43004
# System busy, and the account's call frequency limit.
BUSY = frozenset({-1, 45009})


def split_text(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """`text` in parts of at most `limit` UTF-8 bytes, never cutting a character."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return parts


def _openid(message: Message) -> str:
    # An OpenID is per account; the contact's newest one is the one their messages came from.
    identity = (
        ContactIdentity.objects.filter(
            contact_id=message.conversation.contact_id, kind=IdentityKind.WECHAT
        )
        .order_by("-created_at")
        .first()
    )
    if identity is None:
        raise PermanentError(_("The customer has no WeChat OpenID."))
    return identity.value


def deliver(message: Message) -> None:
    account = WeChatAccount.objects.get(inbox_id=message.conversation.inbox_id)
    openid = _openid(message)
    try:
        # WeChat shows images; other files stay on the conversation (the portal shows them).
        for attachment in message.attachments.filter(content_type__startswith="image/"):
            _send_image(account, openid, attachment)
        for part in split_text(text_to_send(message)):
            _send_text(account, openid, part)
    except platform.ApiError as error:
        raise _refusal(error, openid) from error


def _send_image(account: WeChatAccount, openid: str, attachment: Attachment) -> None:
    with attachment.file.open("rb") as stored:
        content = stored.read()
    media_id = tokens.call(
        account,
        lambda api: api.upload_image(attachment.filename, content, attachment.content_type),
    )
    tokens.call(account, lambda api: api.send_image(openid, media_id))


def _send_text(account: WeChatAccount, openid: str, text: str) -> None:
    tokens.call(account, lambda api: api.send_text(openid, text))


def _refusal(error: platform.ApiError, openid: str) -> Exception:
    if error.code == OUTSIDE_WINDOW:
        return PermanentError(
            _("WeChat refused the reply: more than 48 hours since the customer last wrote.")
        )
    if error.code == QUOTA_USED:
        return PermanentError(
            _(
                "WeChat refused the reply: the 20 replies allowed until the customer writes "
                "again are used."
            )
        )
    if error.code == UNFOLLOWED:
        reason = _("The customer unfollowed the WeChat account.")
        mark_unreachable(IdentityKind.WECHAT, openid, reason=reason)
        return PermanentError(reason)
    if error.code is None or error.code in BUSY or error.token_invalid:
        # Network, HTTP 5xx, busy, frequency limit, or a token still refused after renewal.
        return RetryableError(str(error))
    return PermanentError(str(error))
