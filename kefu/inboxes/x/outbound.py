"""Replies to an X user: POST /2/dm_conversations/with/{user id}/messages, in parts of at
most 10,000 characters (X's DM limit), signed as the account.

An agent's files are not sent yet: an X DM carries media only after a chunked upload to
X's media endpoint, which this adapter does not make (the text goes; the files stay in
Kefu, where the agent sees them).
"""

from django.utils.translation import gettext as _

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Message
from kefu.conversations.outbound import PermanentError, RetryableError, text_to_send
from kefu.inboxes.x.models import XAccount
from kefu.inboxes.x.platform import XError, call

TEXT_LIMIT = 10_000
# X's 403 and 404 for a user we may not write to: DMs closed to us, blocked, suspended,
# deleted. No reply gets through until they write again.
_UNREACHABLE = frozenset({403, 404})


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at a line break where there is one."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts


def _user_id(message: Message) -> str:
    identity = ContactIdentity.objects.filter(
        contact=message.conversation.contact, kind=IdentityKind.X
    ).first()
    if identity is None:
        raise PermanentError(_("The customer has no X account to write to."))
    return identity.value


def _account(message: Message) -> XAccount:
    account = (
        XAccount.objects.select_related("inbox")
        .filter(inbox_id=message.conversation.inbox_id)
        .first()
    )
    if account is None:
        raise PermanentError(_("The conversation's inbox has no X account connected."))
    if not account.api_access or not account.inbox.is_active:
        raise PermanentError(
            _("The X account %(account)s has no API access: nothing can be sent to X.")
            % {"account": account}
        )
    return account


def send_dm(account: XAccount, user_id: str, text: str) -> None:
    """One DM to `user_id` as the account; XError when X refuses it."""
    call(account, "POST", f"/2/dm_conversations/with/{user_id}/messages", json={"text": text})


def deliver(message: Message) -> None:
    account = _account(message)
    user_id = _user_id(message)
    try:
        for text in split_text(text_to_send(message), TEXT_LIMIT):
            send_dm(account, user_id, text)
    except XError as failed:
        if failed.status is None or failed.status >= 500 or failed.status == 429:
            raise RetryableError(str(failed), retry_after=failed.retry_after) from failed
        if failed.status in _UNREACHABLE:
            reason = _("X refuses messages to this user (%(reason)s).") % {"reason": failed.message}
            mark_unreachable(IdentityKind.X, user_id, reason=reason)
        # 401: the account's keys were revoked or are wrong; the administrator fixes them.
        raise PermanentError(str(failed)) from failed
