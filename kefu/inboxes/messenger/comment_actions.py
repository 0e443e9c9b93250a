"""Writes for page comments that held a secret (see comments.py for the design): the row
that makes the work happen once, the agents' record, and what Meta answered."""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from kefu.contacts.actions import add_identity, create_contact
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.actions import add_system_note, receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation, Priority
from kefu.core.languages import in_language
from kefu.inboxes.messenger.comments import FeedComment
from kefu.inboxes.messenger.models import FacebookPage, HiddenComment
from kefu.safety.actions import raise_alert
from kefu.safety.models import SafetyAlert
from kefu.safety.redaction import Redaction

# A note's text, made in the conversation's language when it is written.
_Lazy = Callable[[], str]


def record_exposed_comment(
    *, page: FacebookPage, comment: FeedComment, redaction: Redaction, language: str
) -> HiddenComment | None:
    """Claim the comment, open the agents' record and queue the hide; None when the
    comment was claimed before (Meta's retry, or the author editing it)."""
    from kefu.inboxes.messenger.comment_tasks import hide_comment

    kinds = sorted({finding.kind for finding in redaction.findings})
    with transaction.atomic():
        try:
            # The claim: a retried webhook, or an edit, finds the row and stops here (a
            # copy arriving at the same moment waits for this transaction, then stops).
            with transaction.atomic():
                row = HiddenComment.objects.create(
                    page=page,
                    object_id=comment.object_id,
                    item=comment.item,
                    author_id=comment.author_id,
                    language=language,
                    kinds=kinds,
                )
        except IntegrityError:
            return None
        row.conversation = _open_record(page, comment, redaction, language)
        row.save(update_fields=["conversation"])
        raise_alert(
            kind=SafetyAlert.Kind.SECRET_EXPOSED, conversation=row.conversation, reasons=kinds
        )
        # Only the row's id: a job's arguments are stored, and no secret may be.
        # The database queue takes the job in this transaction (it commits with the
        # row or not at all); another backend gets it on commit.
        if isinstance(hide_comment.get_backend(), DatabaseBackend):
            hide_comment.enqueue(row.pk)
        else:
            transaction.on_commit(partial(hide_comment.enqueue, row.pk))
    return row


def _author(page: FacebookPage, comment: FeedComment, language: str) -> Contact:
    """The contact of the author's earlier exposed comment on this page, else a new one
    with no address yet (from.id is no address Kefu can write to)."""
    earlier = (
        HiddenComment.objects.filter(page=page, author_id=comment.author_id)
        .exclude(conversation=None)
        .select_related("conversation__contact")
        .order_by("-pk")
        .first()
    )
    if comment.author_id and earlier is not None and earlier.conversation is not None:
        return earlier.conversation.contact
    return create_contact(name=comment.author_name, language=language)


def _open_record(
    page: FacebookPage, comment: FeedComment, redaction: Redaction, language: str
) -> Conversation:
    """The author's conversation, its first message the comment redacted.

    Passed without `kinds_removed` on purpose: that would queue the usual exposure
    warning, and the private reply is that warning (Meta allows nothing more until the
    author answers). The conversation is flagged and escalated here instead.
    """
    message = receive_message(
        InboundMessage(
            inbox=page.inbox,
            # Cut to what a message holds (Facebook allows 8,000 characters): a refused
            # message would roll back the claim, and the comment would stay visible.
            text=redaction.text[: settings.KEFU_MAX_MESSAGE_CHARS],
            contact=_author(page, comment, language),
            contact_name=comment.author_name,
            external_id=f"{comment.item}:{comment.object_id}",
            language=language,
        )
    )
    conversation = message.conversation
    conversation.secret_exposed = True
    conversation.priority = Priority.URGENT
    conversation.save(update_fields=["secret_exposed", "priority"])
    note = in_language(
        conversation.language,
        lambda: _(
            "This was a public comment on the Facebook page and held a secret (removed "
            "here). Kefu hides it and tells its author privately; nothing is posted "
            "publicly."
        ),
    )
    add_system_note(conversation=conversation, text=note)
    return conversation


def record_hidden(row: HiddenComment, outcome: str) -> None:
    """What became of the comment: hidden, deleted, or Meta refused both."""
    with transaction.atomic():
        row.outcome = outcome
        row.hidden_at = timezone.now() if outcome != HiddenComment.Outcome.FAILED else None
        row.save(update_fields=["outcome", "hidden_at"])
        _note(row, _outcome_note(outcome))


def _outcome_note(outcome: str) -> _Lazy:
    if outcome == HiddenComment.Outcome.HIDDEN:
        return lambda: _("The comment is hidden on Facebook (its author still sees it).")
    if outcome == HiddenComment.Outcome.DELETED:
        return lambda: _("Facebook would not hide the comment, so Kefu deleted it.")
    return lambda: _(
        "Facebook refused to hide or delete the comment: remove it by hand on the page."
    )


def record_told(row: HiddenComment, psid: str = "", error: str = "") -> None:
    """The private reply went (with the author's PSID when Meta named it), or was refused."""
    with transaction.atomic():
        row.told_at = timezone.now()
        row.told_error = error[:200]
        row.save(update_fields=["told_at", "told_error"])
        if psid and row.conversation is not None:
            _file_psid(row.conversation.contact, psid)
        if error:
            _note(
                row,
                lambda: (
                    _("Facebook refused the private reply to the comment's author (%(error)s).")
                    % {"error": error[:200]}
                ),
            )
        else:
            _note(row, lambda: _("The comment's author was told privately on Messenger."))


def _file_psid(contact: Contact, psid: str) -> None:
    """The author's Messenger address, so their answer reaches the same customer; left
    alone when it already belongs to a customer who wrote to the page before."""
    if ContactIdentity.objects.filter(kind=IdentityKind.MESSENGER, value=psid).exists():
        return
    add_identity(contact, IdentityKind.MESSENGER, psid)


def _note(row: HiddenComment, text: _Lazy) -> None:
    if row.conversation is not None:
        conversation = row.conversation
        add_system_note(conversation=conversation, text=in_language(conversation.language, text))
