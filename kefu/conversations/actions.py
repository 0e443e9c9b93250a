"""Every write to conversations, and its consequences (audit, events, delivery jobs)."""

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.agents.models import Agent, Role
from kefu.agents.permissions import require_agent, require_role
from kefu.contacts.actions import find_or_create_contact, surviving
from kefu.contacts.models import Contact
from kefu.conversations import attachments, events, holds, lifecycle, reply_window
from kefu.conversations.acknowledgements import acknowledge
from kefu.conversations.dedupe import find_duplicate
from kefu.conversations.delivery_reports import record_bounce
from kefu.conversations.holds import require_free
from kefu.conversations.html import sanitize
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.models import (
    Attachment,
    Conversation,
    DeliveryStatus,
    InboundReceipt,
    Message,
    MessageKind,
    Priority,
    Status,
    Tag,
)
from kefu.conversations.router import router
from kefu.conversations.search import indexing as search_index
from kefu.conversations.sequence import allocate_seqs, next_seq
from kefu.conversations.status import REOPENED_BY_CUSTOMER, can_transition
from kefu.conversations.threading import find_conversation
from kefu.core import audit
from kefu.core.errors import (
    ConversationChanged,
    InvalidTransition,
    MergeRefused,
    MessageRejected,
    TagRejected,
)
from kefu.core.language import detect_language
from kefu.helpcenter.triage import triage
from kefu.safety.actions import raise_alert
from kefu.safety.exposure import exposure_warning
from kefu.safety.ingress import screen_attachment, screen_inbound
from kefu.safety.models import SafetyAlert
from kefu.safety.redaction import redact
from kefu.safety.registry import link_warnings

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (Status.OPEN, Status.PENDING, Status.ON_HOLD)


def _check_text(text: str, has_attachments: bool) -> None:
    if not text.strip() and not has_attachments:
        raise MessageRejected(_("The message is empty."))
    if len(text) > settings.KEFU_MAX_MESSAGE_CHARS:
        raise MessageRejected(
            _("The message is too long (at most %(limit)s characters).")
            % {"limit": settings.KEFU_MAX_MESSAGE_CHARS}
        )


def _store_attachments(
    message: Message, files: Sequence[InboundAttachment], types: Sequence[str]
) -> None:
    for upload, content_type in zip(files, types, strict=True):
        attachment = Attachment(
            message=message,
            filename=upload.filename[:255],
            content_type=content_type,
            size=len(upload.content),
        )
        attachment.file.save(upload.filename, ContentFile(upload.content), save=False)
        attachment.save()


def _sender(inbound: InboundMessage, language: str) -> Contact:
    if inbound.contact is not None:
        return surviving(inbound.contact)
    return find_or_create_contact(
        inbound.identity_kind,
        inbound.identity_value,
        name=inbound.contact_name,
        language=language,
        heard_from=True,
    )


# --- triage of a new conversation (help center) -------------------------------------
# Below this confidence the model's first choice is right less than half the time on
# the development set, so the conversation stays unclassified for an agent to route.
TRIAGE_MIN_CONFIDENCE = 0.5


def _first_intent(inbound: InboundMessage) -> str:
    """The topic the customer picked, else the triaged intent of their first message."""
    if inbound.intent:
        return inbound.intent
    result = triage(inbound.subject + "\n" + inbound.text, articles=0)
    return result.intent if result.confidence >= TRIAGE_MIN_CONFIDENCE else ""


# --- threading ------------------------------------------------------------------------


def _thread(inbound: InboundMessage, contact: Contact, now: datetime) -> tuple[Conversation, bool]:
    """The conversation this message belongs to, and whether it was just opened."""
    previous = inbound.conversation
    while previous is not None and previous.merged_into_id is not None:
        previous = Conversation.objects.get(pk=previous.merged_into_id)
    if previous is not None and previous.contact_id != contact.pk:
        raise PermissionDenied(_("This conversation belongs to another customer."))
    if previous is not None and previous.status != Status.CLOSED:
        return previous, False
    intent = _first_intent(inbound)
    conversation = Conversation.objects.create(
        contact=contact,
        inbox=inbound.inbox,
        channel=inbound.inbox.channel,
        subject=inbound.subject[:255],
        intent=intent,
        language=inbound.language or contact.language,
        priority=router().priority_for(intent),
        last_message_at=now,
        follow_up_of=previous,
        team=inbound.inbox.default_team,
        # Its first message takes number 1 without a second query (see sequence.py).
        last_seq=1,
    )
    return conversation, True


def receive_message(inbound: InboundMessage) -> Message:
    """Store one customer message: screen it, thread it, open or reopen its conversation.

    Validation and redaction happen before the transaction, so a refused message
    changes nothing and a secret never reaches the database, a log or an event.
    """
    screened = screen_inbound(inbound)
    inbound = screened.inbound
    _check_text(inbound.text, bool(inbound.attachments))
    types = [attachments.check(upload) for upload in inbound.attachments]
    language = inbound.language or detect_language(inbound.subject + "\n" + inbound.text)
    now = timezone.now()
    with transaction.atomic():
        if inbound.bounce_of and (report := record_bounce(inbound)) is not None:
            return report
        contact = _sender(inbound, language)
        if inbound.external_id and (duplicate := _received_before(inbound)) is not None:
            return duplicate
        inbound, resent = _thread_by_channel_hints(inbound, contact, now)
        conversation, is_new = _thread(inbound, contact, now)
        message = Message.objects.create(
            conversation=conversation,
            seq=1 if is_new else next_seq(conversation),
            kind=MessageKind.INBOUND,
            author_contact=contact,
            text=inbound.text,
            html=sanitize(inbound.html) if inbound.html else "",
            original=inbound.original,
            external_id=inbound.external_id[:255],
            link_warnings=link_warnings(inbound.text),
        )
        _store_attachments(message, inbound.attachments, types)
        search_index.index_message(message, new_conversation=is_new)
        if is_new:
            router().place_new(conversation)
            lifecycle.opened(conversation, now)
        else:
            previous_status = conversation.status
            if conversation.status in REOPENED_BY_CUSTOMER:
                conversation.status = Status.OPEN
                conversation.resolved_at = None
            conversation.last_message_at = now
            conversation.save(update_fields=["status", "resolved_at", "last_message_at"])
            holds.sync_secret_lock(conversation)
            lifecycle.status_changed(conversation, previous_status, now)
            lifecycle.customer_wrote(conversation, message, now)
        events.message_added(message)
        if screened.kinds:
            handle_exposure(conversation, screened.kinds)
        if inbound.acknowledge and (is_new or resent):
            acknowledge(conversation, contact, duplicate=resent)
        events.conversation_updated(conversation, "status", "last_message_at")
    return message


def _received_before(inbound: InboundMessage) -> Message | None:
    """The message stored for this delivery before, or None after claiming its receipt.

    The claim is one insert that does nothing on a conflict: a second copy arriving at the
    same moment waits for the first one's transaction and then finds its message. The
    receipt rolls back with a message that fails to store, so a retry is not lost.
    """
    external_id = inbound.external_id[:255]
    table = connection.ops.quote_name(InboundReceipt._meta.db_table)
    with connection.cursor() as cursor:
        # SQLite (3.35+) and PostgreSQL both say with RETURNING whether the row went in.
        cursor.execute(
            f"INSERT INTO {table} (inbox_id, external_id, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (inbox_id, external_id) DO NOTHING RETURNING id",
            [inbound.inbox.pk, external_id, timezone.now()],
        )
        if cursor.fetchone() is not None:
            return None
    return (
        Message.objects.filter(conversation__inbox=inbound.inbox, external_id=external_id)
        .order_by("pk")
        .first()
    )


def _thread_by_channel_hints(
    inbound: InboundMessage, contact: Contact, now: datetime
) -> tuple[InboundMessage, bool]:
    """Email threading and de-duplication: the conversation found, and whether the message
    is a resend of one already received (it then joins that ticket)."""
    if inbound.conversation is not None:
        return inbound, False
    found = find_conversation(inbound, contact)
    if found is not None:
        return replace(inbound, conversation=found), False
    if inbound.deduplicate:
        duplicate_of = find_duplicate(inbound.text, contact, now)
        if duplicate_of is not None:
            return replace(inbound, conversation=duplicate_of), True
    return inbound, False


def handle_exposure(conversation: Conversation, kinds: frozenset[str]) -> None:
    """The customer sent a secret (already removed), in a message or anywhere else they
    write about this conversation: warn them now, flag, escalate."""
    from kefu.conversations.tasks import queue_delivery

    conversation.secret_exposed = True
    conversation.priority = Priority.URGENT
    conversation.save(update_fields=["secret_exposed", "priority"])
    holds.sync_secret_lock(conversation)
    warning = Message.objects.create(
        conversation=conversation,
        seq=next_seq(conversation),
        kind=MessageKind.OUTBOUND,
        text=exposure_warning(kinds, conversation.language),
        delivery_status=DeliveryStatus.QUEUED,
    )
    queue_delivery(warning.pk)
    events.message_added(warning)
    raise_alert(
        kind=SafetyAlert.Kind.SECRET_EXPOSED, conversation=conversation, reasons=sorted(kinds)
    )


def require_writable(conversation: Conversation) -> None:
    if conversation.status == Status.CLOSED or conversation.merged_into_id is not None:
        raise InvalidTransition(_("%(ref)s is closed.") % {"ref": conversation.reference})


def send_reply(
    *,
    conversation: Conversation,
    agent: Agent,
    text: str,
    files: Sequence[InboundAttachment] = (),
    then_status: str = "",
    via: str = "",
    seen_message_id: int | None = None,
) -> Message:
    """Store an agent's reply and queue its delivery on the conversation's channel.

    `via`: one of the reply window's alternatives (the customer's email, the portal) when
    the conversation's channel no longer takes replies; ReplyWindowClosed otherwise.
    `seen_message_id`: the newest message the agent had seen; when someone else has
    replied since, ConversationChanged is raised and nothing is sent (collision warning).
    """
    from kefu.conversations.tasks import queue_delivery
    from kefu.safety.outbound import guard_reply

    require_agent(agent)
    require_writable(conversation)
    require_free(conversation, agent)
    _check_text(text, bool(files))
    reply_window.check(conversation, via=via)
    guard_reply(conversation=conversation, agent=agent, text=text)
    # A reply may quote what a customer pasted; it is stored and sent redacted too, and
    # so are the names and text of the files it carries (a customer's log passed on).
    text = redact(text, conversation.language).text
    files = [screen_attachment(upload, conversation.language)[0] for upload in files]
    types = [attachments.check(upload) for upload in files]
    if then_status and not can_transition(conversation.status, then_status):
        raise _transition_error(conversation, then_status)
    if seen_message_id is not None:
        _require_unchanged(conversation, agent, seen_message_id)
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            seq=next_seq(conversation),
            kind=MessageKind.OUTBOUND,
            author_agent=agent,
            text=text,
            delivery_status=DeliveryStatus.QUEUED,
            link_warnings=link_warnings(text),
            via=via if via != conversation.channel else "",
        )
        _store_attachments(message, files, types)
        search_index.index_message(message)
        changed = ["last_message_at"]
        conversation.last_message_at = now
        if conversation.first_response_at is None:
            conversation.first_response_at = now
            changed.append("first_response_at")
        previous_status = conversation.status
        if then_status:
            _apply_status(conversation, then_status, now)
            changed += ["status", "resolved_at", "closed_at"]
        conversation.save(update_fields=changed)
        if then_status:
            _move_secret_lock(conversation, agent)
        lifecycle.agent_replied(conversation, message, now)
        lifecycle.status_changed(conversation, previous_status, now)
        if then_status:
            router().slots_changed()
        audit.record(agent, "conversation.reply", conversation, message=message.pk)
        queue_delivery(message.pk)
        events.message_added(message)
        events.conversation_updated(conversation, *changed)
    return message


def _require_unchanged(conversation: Conversation, agent: Agent, seen_message_id: int) -> None:
    """Refuse a reply written without seeing what another agent (or Kefu) just sent."""
    from kefu.conversations.selectors import replies_since

    missed = replies_since(conversation, seen_message_id, agent)
    if missed:
        raise ConversationChanged(
            ngettext(
                "A reply was sent since you opened this conversation: read it, then send "
                "yours anyway or change it.",
                "%(count)s replies were sent since you opened this conversation: read them, "
                "then send yours anyway or change it.",
                len(missed),
            )
            % {"count": len(missed)},
            replies=missed,
        )


def add_note(*, conversation: Conversation, agent: Agent, text: str) -> Message:
    """An internal note: seen by agents only, never delivered to the customer."""
    require_agent(agent)
    require_free(conversation, agent)
    return _store_note(conversation, agent, text, ())


def add_system_note(
    *, conversation: Conversation, text: str, files: Sequence[InboundAttachment] = ()
) -> Message:
    """An internal note Kefu writes itself (a call recording, a fetch that failed).

    Agents only, like theirs; its text and files are screened like an agent's note, since
    a recording's transcript or an error may repeat what a customer said.
    """
    return _store_note(conversation, None, text, files)


def _store_note(
    conversation: Conversation,
    agent: Agent | None,
    text: str,
    files: Sequence[InboundAttachment],
) -> Message:
    _check_text(text, bool(files))
    text = redact(text, conversation.language).text
    files = [screen_attachment(upload, conversation.language)[0] for upload in files]
    types = [attachments.check(upload) for upload in files]
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation, kind=MessageKind.NOTE, author_agent=agent, text=text
        )
        _store_attachments(message, files, types)
        search_index.index_message(message)
        audit.record(agent, "conversation.note", conversation, message=message.pk)
        events.message_added(message)
    return message


def send_automatic(*, conversation: Conversation, text: str) -> Message | None:
    """An automatic message to the customer (no agent wrote it), delivered like a reply.

    It answers nothing: the SLA clocks are not told of it as of an agent's reply (the
    caller that sends one for a reason, such as a holding update, handles that itself).
    When the channel's reply window is closed, or open only to a tag for replies a person
    wrote, it goes by the first alternative the window offers (the customer's email, else
    the portal); with none (a WeChat customer who gave no address) nothing can reach
    them, and None is returned.
    """
    from kefu.conversations.tasks import queue_delivery

    require_writable(conversation)
    _check_text(text, False)
    window = reply_window.reply_window(conversation)
    # A tag lets a reply go after the window only when a person wrote it (Messenger's
    # HUMAN_AGENT): an automatic message past the window takes an alternative, as closed.
    free = window.mode == reply_window.Mode.FREE
    if not free and not window.alternatives:
        logger.info(
            "conversation %s: automatic message not sent (%s)",
            conversation.pk,
            window.reason or window.mode,
        )
        return None
    via = "" if free else window.alternatives[0].via
    # Built from templates, but it may quote a reference or name a customer typed.
    text = redact(text, conversation.language).text
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            seq=next_seq(conversation),
            kind=MessageKind.OUTBOUND,
            text=text,
            delivery_status=DeliveryStatus.QUEUED,
            via=via,
        )
        search_index.index_message(message)
        queue_delivery(message.pk)
        events.message_added(message)
    return message


def answered_by_phone(*, conversation: Conversation, agent: Agent) -> Message:
    """An agent picked up the customer's call: speaking to them answers them.

    A note marks the moment on the timeline; the first response is counted if none was
    yet, and the SLA clocks hear of an agent's reply (the note is its author's).
    """
    require_agent(agent)
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            kind=MessageKind.NOTE,
            author_agent=agent,
            text=_("Answered the customer's phone call."),
        )
        if conversation.first_response_at is None:
            conversation.first_response_at = now
            conversation.save(update_fields=["first_response_at"])
            events.conversation_updated(conversation, "first_response_at")
        lifecycle.agent_replied(conversation, message, now)
        audit.record(agent, "conversation.answered_by_phone", conversation, message=message.pk)
        events.message_added(message)
    return message


def assign(
    *, conversation: Conversation, actor: Agent, assignee: Agent | None, team_id: int | None = None
) -> Conversation:
    """Assign to an agent (or nobody).

    Agents take or release their own conversations; anything else needs a supervisor.
    """
    require_agent(actor)
    require_writable(conversation)
    supervisor = actor.has_role(Role.SUPERVISOR)
    # A supervisor moves a secret lock (takes the case over, or hands it on); a
    # verification case's hold still binds them.
    require_free(conversation, actor, ignore=holds.secret_key(conversation) if supervisor else "")
    own = assignee in (None, actor) and conversation.assignee_id in (None, actor.pk)
    if not own:
        require_role(actor, Role.SUPERVISOR)
    if assignee is not None and not assignee.is_active:
        raise PermissionDenied(_("This agent's account is disabled."))
    with transaction.atomic():
        conversation.assignee = assignee
        fields = ["assignee"]
        if team_id is not None:
            conversation.team_id = team_id
            fields.append("team")
        conversation.save(update_fields=fields)
        if team_id is not None:
            lifecycle.reclassified(conversation, timezone.now())
        audit.record(
            actor, "conversation.assign", conversation, assignee=assignee.pk if assignee else None
        )
        _move_secret_lock(conversation, actor)
        events.conversation_updated(conversation, *fields)
        router().slots_changed()
    return conversation


def _move_secret_lock(conversation: Conversation, actor: Agent | None) -> None:
    """Re-derive the secret lock after a change; an owner change is audited on its own."""
    before = holds.secret_lock_owner(conversation)
    holds.sync_secret_lock(conversation)
    after = holds.secret_lock_owner(conversation)
    if before != after:
        audit.record(actor, "conversation.secret_lock", conversation, previous=before, owner=after)


def _transition_error(conversation: Conversation, target: str) -> InvalidTransition:
    return InvalidTransition(
        _("%(ref)s cannot go from “%(current)s” to “%(target)s”.")
        % {
            "ref": conversation.reference,
            "current": Status(conversation.status).label,
            "target": Status(target).label,
        }
    )


def _apply_status(conversation: Conversation, status: str, now: datetime) -> None:
    conversation.status = Status(status)
    if status == Status.RESOLVED:
        conversation.resolved_at = now
    elif status == Status.CLOSED:
        conversation.closed_at = now
    else:
        conversation.resolved_at = None


def change_status(*, conversation: Conversation, actor: Agent, status: str) -> Conversation:
    require_agent(actor)
    require_free(conversation, actor)
    if status not in Status.values or not can_transition(conversation.status, status):
        raise _transition_error(conversation, status if status in Status.values else "open")
    with transaction.atomic():
        previous = conversation.status
        now = timezone.now()
        _apply_status(conversation, status, now)
        conversation.save(update_fields=["status", "resolved_at", "closed_at"])
        _move_secret_lock(conversation, actor)
        lifecycle.status_changed(conversation, previous, now)
        audit.record(actor, "conversation.status", conversation, old=previous, new=status)
        events.conversation_updated(conversation, "status")
        router().slots_changed()
    return conversation


def set_priority(*, conversation: Conversation, actor: Agent, priority: str) -> Conversation:
    require_agent(actor)
    require_writable(conversation)
    require_free(conversation, actor)
    priority = Priority(priority)
    with transaction.atomic():
        previous = conversation.priority
        conversation.priority = priority
        conversation.save(update_fields=["priority"])
        lifecycle.reclassified(conversation, timezone.now())
        audit.record(actor, "conversation.priority", conversation, old=previous, new=priority)
        events.conversation_updated(conversation, "priority")
    return conversation


def tag(*, conversation: Conversation, actor: Agent, names: Sequence[str]) -> Conversation:
    """Set the conversation's tags to exactly `names` (created on first use).

    A tag that holds a secret is refused rather than stored redacted: a tag is a short
    label, and "[password removed]" would label nothing.
    """
    require_agent(actor)
    require_free(conversation, actor)
    given = [name.strip() for name in names if name.strip()]
    # Screened whole, together and in the order given, before the length cut and before
    # repeats are dropped: a key cut short, or a phrase typed as a list of tags, is no
    # longer recognisable once cut or deduplicated, yet still gives most of it away.
    screened = redact(", ".join(given), conversation.language)
    if screened.found:
        raise TagRejected(
            _(
                "The tags hold a password, key, code or recovery phrase (%(tags)s), so they "
                "were not saved. Tags are short labels; put details in a note."
            )
            % {"tags": screened.text}
        )
    wanted = sorted({name[:50] for name in given})
    with transaction.atomic():
        tags = [Tag.objects.get_or_create(name=name)[0] for name in wanted]
        conversation.tags.set(tags)
        lifecycle.reclassified(conversation, timezone.now())
        audit.record(actor, "conversation.tags", conversation, tags=wanted)
        events.conversation_updated(conversation, "tags")
    return conversation


def _renumber_into(source: Conversation, target: Conversation) -> None:
    """Give the duplicate's numbered messages numbers after the target's last one.

    Kept as they were, they would repeat numbers the target has already used, and a
    reconnecting chat asking for "after N" would miss or repeat messages.
    """
    moved = list(source.messages.filter(seq__isnull=False).order_by("seq").values_list("pk"))
    if not moved:
        return
    numbers = allocate_seqs(target, len(moved))
    source.messages.filter(pk__in=[pk for (pk,) in moved]).update(
        seq=Case(*(When(pk=pk, then=Value(n)) for (pk,), n in zip(moved, numbers, strict=True)))
    )


def merge(*, source: Conversation, target: Conversation, actor: Agent) -> Conversation:
    """Move a duplicate's messages into `target` and close the duplicate as merged.

    Only one customer's conversations merge: otherwise each customer would see the
    other's messages on the portal and in the record download.
    """
    require_agent(actor)
    if source.pk == target.pk or source.merged_into_id or target.merged_into_id:
        raise MergeRefused(_("These conversations cannot be merged."))
    if source.contact_id != target.contact_id:
        raise MergeRefused(_("Only conversations of the same customer can be merged."))
    require_writable(target)
    require_free(source, actor)
    require_free(target, actor)
    now = timezone.now()
    with transaction.atomic():
        _renumber_into(source, target)
        source.messages.update(conversation=target)
        search_index.absorb(source=source, target=target)
        Message.objects.create(
            conversation=target,
            kind=MessageKind.SYSTEM,
            author_agent=actor,
            text=_("%(source)s was merged into this conversation.") % {"source": source.reference},
        )
        source.merged_into = target
        source.status = Status.CLOSED
        source.closed_at = now
        source.save(update_fields=["merged_into", "status", "closed_at"])
        holds.sync_secret_lock(source)
        target.last_message_at = max(target.last_message_at, source.last_message_at)
        target.save(update_fields=["last_message_at"])
        lifecycle.merged(source, target, now)
        audit.record(actor, "conversation.merge", target, source=source.pk)
        events.conversation_updated(source, "status", "merged_into")
        events.conversation_updated(target, "messages")
        router().slots_changed()
    return target
