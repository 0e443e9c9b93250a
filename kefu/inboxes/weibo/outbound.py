"""Agent replies to Weibo fans through the fan service reply API (messages/reply.json).

Weibo takes replies without a count for 48 hours after the fan's message, and none to a
fan who unfollowed (conversations.reply_window enforces the window before a reply is
stored; Weibo's own refusals below are the backstop).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.conversations.models import Message
from kefu.conversations.outbound import PermanentError, RetryableError, text_to_send
from kefu.inboxes.weibo import platform, selectors
from kefu.inboxes.weibo.models import WeiboAccount

# The rule's name for agents (inboxes.registry): translated in this package's catalogue.
RULE_NAME = gettext_lazy("Weibo's 48-hour rule")
# "文本大小必须小于300个汉字": at most 299 characters a message.
TEXT_LIMIT = 299
# Weibo's documented general error codes (open.weibo.com/wiki/Error_code): system error,
# service unavailable, remote service error, busy, job expired, and the rate limits.
RETRYABLE = frozenset({10001, 10002, 10003, 10009, 10010, 10022, 10023, 10024})
# The access token is invalid, expired or revoked: the administrator pastes a new one.
TOKEN_ERRORS = frozenset({21314, 21315, 21316, 21317, 21327, 21332})


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in parts of at most `limit` characters (Weibo counts characters)."""
    return [text[start : start + limit] for start in range(0, len(text), limit)] or [""]


def deliver(message: Message) -> None:
    account = WeiboAccount.objects.get(inbox_id=message.conversation.inbox_id)
    uid = selectors.fan_uid(message.conversation)
    if uid is None:
        raise PermanentError(_("The customer has no Weibo uid."))
    try:
        for part in split_text(text_to_send(message)):
            platform.send_text(account.access_token, uid, part)
    except platform.ApiError as error:
        raise _refusal(error) from error


def _refusal(error: platform.ApiError) -> Exception:
    if error.code in TOKEN_ERRORS:
        return PermanentError(
            _("Weibo refused the account's access token: paste a new one in the admin.")
        )
    if error.code is None and (error.status is None or error.status >= 500 or error.status == 429):
        return RetryableError(str(error))
    if error.code in RETRYABLE:
        return RetryableError(str(error))
    return PermanentError(str(error))
