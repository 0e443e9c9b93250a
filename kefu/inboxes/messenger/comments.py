"""Public comments on the page that give a secret away: hidden, and their author told
privately — never answered in public.

A customer who pastes a recovery phrase or private key under a post (often because a
scammer posing as support asked for it there) has exposed it to everyone who reads the
page. Kefu does the three things that still help, once per comment:

1. hides it through the Graph API (POST /{comment-id} is_hidden=true: everyone but its
   author and their friends stops seeing it); where Meta refuses to hide that object it
   deletes it instead (DELETE /{id}); which of the two happened is recorded;
2. tells the author in a Private Reply (POST /{page-id}/messages, recipient comment_id):
   why it was hidden, that the wallet must be treated as exposed and the funds moved,
   that staff never ask for it. Meta allows one such message per comment within 7 days,
   so an edit or a retried webhook never sends a second;
3. leaves a record agents see: a conversation in the page's inbox for the author, its
   first message the comment REDACTED, marked as an exposed secret, with a SafetyAlert
   for supervisors; notes in it say what became of the hide and of the private reply.

The author's from.id is not a Messenger PSID, so the conversation's contact has no
address at first; Meta's answer to the private reply names the PSID (recipient_id),
which is then filed under the contact, so an answer from the author (a Messenger message)
reaches the same customer. The private reply itself is the exposure warning, so the
conversation does not queue the usual one: Meta lets the page send nothing more until
the author answers.

A comment with no secret is left alone: this is screening, not a social inbox, and an
ordinary comment does not open a conversation.

Visitor posts (item "post"/"status") go the same way: the Graph API hides or deletes a
visitor post on the page, and a private reply can name a post_id.

Nothing here posts anything publicly, logs the text, or puts the text in a job's
arguments: the job gets the row's id, the row keeps ids and kinds only.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from kefu.core.language import detect_language
from kefu.core.languages import to_django
from kefu.inboxes.messenger.models import FacebookPage
from kefu.safety.exposure import SAFETY_LINE
from kefu.safety.findings import ONE_TIME_CODE, PASSWORD
from kefu.safety.redaction import Redaction, redact

# Feed items that carry a visitor's own words under a "message".
COMMENT_ITEMS = frozenset({"comment"})
POST_ITEMS = frozenset({"post", "status"})
# An edit can add a secret to a comment that had none; a removal or a hide needs nothing.
SCREENED_VERBS = frozenset({"add", "edited"})
# Told in the author's language when the words around the secret show it; most
# customers write Chinese, and a bare phrase shows nothing.
DEFAULT_LANGUAGE = "zh-Hans"
# A password or code can still be changed; a wallet secret gives funds away for good.
CREDENTIALS = frozenset({PASSWORD, ONE_TIME_CODE})


@dataclass(frozen=True)
class FeedComment:
    """What a feed change says about one comment or visitor post (no text kept)."""

    object_id: str
    item: str
    author_id: str
    author_name: str


def handle(page: FacebookPage, value: dict[str, Any]) -> None:
    """Screen one `feed` change of the page's webhook; hide and tell when it holds a secret."""
    from kefu.inboxes.messenger import comment_actions

    comment = _parse(page, value)
    if comment is None:
        return
    text = value.get("message")
    if not isinstance(text, str) or not text:
        return
    result = redact(text)
    if not result.found:
        return
    comment_actions.record_exposed_comment(
        page=page,
        comment=comment,
        redaction=result,
        language=author_language(text, result),
    )


def _parse(page: FacebookPage, value: dict[str, Any]) -> FeedComment | None:
    """The comment to screen, or None for what is not a visitor's words (the page's own
    comments, reactions, removals)."""
    item = value.get("item")
    if value.get("verb") not in SCREENED_VERBS:
        return None
    if item in COMMENT_ITEMS:
        object_id = value.get("comment_id")
        kind = "comment"
    elif item in POST_ITEMS:
        object_id = value.get("post_id")
        kind = "post"
    else:
        return None
    sender = value.get("from")
    sender = sender if isinstance(sender, dict) else {}
    author_id = str(sender.get("id") or "")
    if not isinstance(object_id, str) or not object_id or author_id == page.page_id:
        return None
    return FeedComment(
        object_id=object_id,
        item=kind,
        author_id=author_id,
        author_name=str(sender.get("name") or "")[:200],
    )


def author_language(text: str, result: Redaction) -> str:
    """The language of the words around the secret: an English phrase says nothing of
    the language its author reads (BIP39's English list is the one most wallets show)."""
    parts = []
    position = 0
    for finding in result.findings:
        parts.append(text[position : finding.start])
        position = finding.end
    parts.append(text[position:])
    rest = " ".join(parts).strip()
    if not any(char.isalpha() for char in rest):
        return DEFAULT_LANGUAGE
    return detect_language(rest)


def private_reply_text(kinds: frozenset[str], language: str) -> str:
    """What the author is told in private: why the comment went, what to do now."""
    with translation.override(to_django(language)):
        if kinds - CREDENTIALS:
            text = _(
                "We hid your comment on our Facebook page because it contained a recovery "
                "phrase or private key. Treat it as exposed: others may already have seen "
                "it, so create a new wallet now and move all your funds there. Our staff "
                "will never ask for your recovery phrase or private key."
            )
        else:
            text = _(
                "We hid your comment on our Facebook page because it contained a password "
                "or verification code. Change your password now and keep two-factor "
                "authentication on. Our staff will never ask for your password or codes."
            )
        return f"{text} {SAFETY_LINE}"
