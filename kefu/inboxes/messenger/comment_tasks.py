"""The Graph calls for a comment that held a secret, as a job: hide it (or delete it),
then tell its author privately; Graph down means a later attempt, not a lost comment.

The job's only argument is the HiddenComment's id (and the attempt): the text is never
stored with a job. Each step is recorded as it succeeds, so a retry does only what is
left: a comment is hidden once and its author told once.
"""

import logging

from django.utils import timezone
from django_tasks import task

from kefu.conversations.tasks import retry_delay
from kefu.inboxes.messenger import comment_actions, graph
from kefu.inboxes.messenger.comments import private_reply_text
from kefu.inboxes.messenger.models import HiddenComment

logger = logging.getLogger(__name__)

# 30 s, 2 min, 8 min, 32 min, ~2 h, ~8.5 h: past that the private reply's 7 days run
# short and a person is better placed to act (the notes say what is left).
MAX_ATTEMPTS = 7
# Meta's codes for "try again later": unknown/service errors, throttling, rate limits.
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613})


class _TryLater(Exception):
    """Graph did not answer, or asked to be called again later."""


@task()
def hide_comment(hidden_id: int, attempt: int = 1) -> None:
    row = HiddenComment.objects.select_related("page", "conversation").get(pk=hidden_id)
    try:
        if row.outcome == HiddenComment.Outcome.PENDING:
            comment_actions.record_hidden(row, _hide(row))
        if row.told_at is None:
            _tell(row)
    except _TryLater as later:
        if attempt < MAX_ATTEMPTS:
            logger.info("comment %s: Graph unavailable (%s), retrying", row.pk, later)
            hide_comment.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                hidden_id, attempt + 1
            )
            return
        logger.warning("comment %s: Graph unavailable, giving up (%s)", row.pk, later)
        if row.outcome == HiddenComment.Outcome.PENDING:
            comment_actions.record_hidden(row, HiddenComment.Outcome.FAILED)
        if row.told_at is None:
            comment_actions.record_told(row, error=str(later))


def _transient(error: graph.GraphError) -> bool:
    return (
        error.code is None
        or error.code in TRANSIENT_CODES
        or (error.status is not None and error.status >= 500)
    )


def _why(error: graph.GraphError) -> str:
    """Meta's code, not its message: the message is Meta's words, kept out of notes."""
    if error.code is None:
        return "no answer" if error.status is None else f"HTTP {error.status}"
    subcode = f"/{error.subcode}" if error.subcode is not None else ""
    return f"code {error.code}{subcode}"


def _hide(row: HiddenComment) -> str:
    """Hide the object; where Meta will not hide it, delete it. The outcome recorded."""
    try:
        graph.call(row.page, "POST", row.object_id, data={"is_hidden": "true"})
        return HiddenComment.Outcome.HIDDEN
    except graph.GraphError as refused:
        if _transient(refused):
            raise _TryLater(_why(refused)) from refused
        logger.info("comment %s: hiding refused (%s), deleting", row.pk, _why(refused))
    try:
        graph.call(row.page, "DELETE", row.object_id)
        return HiddenComment.Outcome.DELETED
    except graph.GraphError as refused:
        if _transient(refused):
            raise _TryLater(_why(refused)) from refused
        logger.warning("comment %s: deleting refused too (%s)", row.pk, _why(refused))
        return HiddenComment.Outcome.FAILED


def _tell(row: HiddenComment) -> None:
    """The one private reply Meta allows for this comment or post."""
    recipient = {"post_id" if row.item == "post" else "comment_id": row.object_id}
    message = {"text": private_reply_text(frozenset(row.kinds), row.language)}
    try:
        answer = graph.call(
            row.page,
            "POST",
            f"{row.page.page_id}/messages",
            json={"recipient": recipient, "message": message, "messaging_type": "RESPONSE"},
        )
    except graph.GraphError as refused:
        if _transient(refused):
            raise _TryLater(_why(refused)) from refused
        logger.warning("comment %s: private reply refused (%s)", row.pk, _why(refused))
        comment_actions.record_told(row, error=_why(refused))
        return
    psid = answer.get("recipient_id")
    comment_actions.record_told(row, psid=psid if isinstance(psid, str) else "")
