"""The link command a customer sends from a messaging account, and the answer it gets.

Every adapter calls `answer` with a customer's text before storing it: None means "not a
link command, carry on"; a string is the reply to send back on the channel. Neither the
command nor the reply is a message of any conversation: the reply holds the code that
links the account, which must not sit in a timeline an agent reads.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from kefu.contacts.actions import LINK_TOKEN_LENGTH, claim_link
from kefu.contacts.errors import LinkFailed
from kefu.contacts.models import IdentityKind
from kefu.core.languages import in_language

# "link K7P2QX9M", "/link K7P2QX9M", "绑定 K7P2QX9M", "綁定K7P2QX9M", Telegram's deep
# link "/start link-K7P2QX9M" (or "/start@OurBot link-…"), and a deep link's bare payload
# "link-K7P2QX9M" (Messenger's m.me ref, which an adapter passes as the text). A token
# has a digit: that keeps "link accounts" an ordinary question.
_COMMAND = re.compile(
    rf"""^(?:/?link(?:\s+|-)|绑定\s*|綁定\s*|/start(?:@\w+)?\s+link-)
    (?P<token>(?=[a-z0-9]*[0-9])[a-z0-9]{{{LINK_TOKEN_LENGTH}}})$""",
    re.IGNORECASE | re.VERBOSE,
)


def token_in(text: str) -> str | None:
    """The request token if `text` is a link command. NFKC folds full-width letters,
    digits and the ideographic space that Chinese input methods type."""
    found = _COMMAND.match(unicodedata.normalize("NFKC", text).strip())
    return found["token"].upper() if found else None


def masked_email(email: str) -> str:
    """a•••@example.com: enough for the owner to recognise, little for anyone else."""
    local, at, domain = email.partition("@")
    if not at:
        return "•••"
    return f"{local[:1]}•••@{domain}"


def answer(kind: str, value: str, text: str) -> str | None:
    """The reply to a link command sent by the account (kind, value), or None when `text`
    is not one. A valid token gets the code, in the portal customer's language; any
    other (unknown, expired, used, of another channel) gets a refusal, in the active
    language, which says nothing about whose it might be."""
    token = token_in(text)
    if token is None:
        return None
    try:
        claim = claim_link(kind, value, token)
    except LinkFailed:
        return _(
            "This link request is not valid or has expired. Please start again on the "
            "help-center page “Linked accounts”."
        )
    channel = IdentityKind(kind).label

    def reply() -> str:
        return _(
            "Someone asked to link this %(channel)s account to the help-center account "
            "%(account)s. If that was you, type %(code)s on the help-center page within "
            "10 minutes. Never give this code to anyone: our staff will never ask for it."
        ) % {"channel": channel, "account": masked_email(claim.contact_email), "code": claim.code}

    return in_language(claim.language, reply)
