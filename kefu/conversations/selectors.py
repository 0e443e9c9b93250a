"""Reads that views, the API and the portal need, each with a fixed number of queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations.models import (
    REFERENCE_PREFIX,
    Attachment,
    Conversation,
    Message,
    MessageKind,
)
from kefu.core.errors import NotFound
from kefu.core.ids import parse_id

PAGE_SIZE = 25
PREVIEW_CHARS = 120
# "Due soon": the next SLA deadline is this close (KEFU_SLA_DUE_SOON_MINUTES overrides it).
DUE_SOON_MINUTES = 60


def parse_reference(reference: str) -> int | None:
    """K-000123, k-123 or 123 -> 123; anything else ("K-²", " 12", "K-0") -> None."""
    return parse_id(reference.upper().removeprefix(REFERENCE_PREFIX))


def _not_found(reference: str) -> NotFound:
    return NotFound(_("Conversation %(ref)s was not found.") % {"ref": reference})


@dataclass(frozen=True)
class InboxFilters:
    view: str = "all"  # all | mine | unassigned
    channel: str = ""
    status: str = ""
    intent: str = ""
    priority: str = ""
    contact_id: int | None = None
    sla: str = ""  # "" | due_soon | breached
    sort: str = ""  # "" (newest activity first) | deadline (next SLA deadline first)


@dataclass(frozen=True)
class InboxPage:
    conversations: list[Conversation]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def due_soon_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "KEFU_SLA_DUE_SOON_MINUTES", DUE_SOON_MINUTES))


def inbox_queryset(
    agent: Agent, filters: InboxFilters, now: datetime | None = None
) -> QuerySet[Conversation]:
    conversations = Conversation.objects.filter(merged_into__isnull=True)
    if filters.view == "mine":
        conversations = conversations.filter(assignee=agent)
    elif filters.view == "unassigned":
        conversations = conversations.filter(assignee__isnull=True)
    for field in ("channel", "status", "intent", "priority"):
        value = getattr(filters, field)
        if value:
            conversations = conversations.filter(**{field: value})
    if filters.contact_id is not None:
        conversations = conversations.filter(contact_id=filters.contact_id)
    if filters.sla == "due_soon":
        # A range on sla_due_at: the conv_sla_due index answers it. Overdue ones are not
        # "soon" any more: the sweep marks them breached, and the breached view lists them.
        now = now or timezone.now()
        conversations = conversations.filter(
            sla_due_at__gt=now, sla_due_at__lte=now + due_soon_window()
        )
    elif filters.sla == "breached":
        conversations = conversations.filter(sla_breached=True)
    return conversations


def _ordering(filters: InboxFilters) -> list[OrderBy | str]:
    if filters.sort == "deadline":
        # (sla_due_at, id) ascending is the conv_sla_due index's order; conversations
        # without a running deadline come after every one that has one.
        return [F("sla_due_at").asc(nulls_last=True), "pk"]
    return ["-last_message_at", "-pk"]


def inbox_page(agent: Agent, filters: InboxFilters, page: int = 1) -> InboxPage:
    """One page of the unified inbox, newest activity first.

    No COUNT(*): on a large inbox it costs more than the page itself, and "next" is
    all the list needs, so one extra row is fetched instead.
    """
    page = max(page, 1)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        inbox_queryset(agent, filters)
        .select_related("contact", "assignee", "team")
        .prefetch_related("tags")
        .order_by(*_ordering(filters))[start : start + PAGE_SIZE + 1]
    )
    return InboxPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def conversation_for_agent(agent: Agent, reference: str) -> Conversation:
    number = parse_reference(reference)
    conversation = (
        Conversation.objects.select_related("contact", "assignee", "team", "inbox")
        .prefetch_related("tags", "contact__identities")
        .filter(pk=number)
        .first()
        if number is not None
        else None
    )
    if conversation is None or not agent.is_active:
        raise _not_found(reference)
    return conversation


def latest_message_id(conversation: Conversation) -> int:
    """What an agent has seen when a reply form renders (0 for none): see replies_since."""
    return conversation.messages.order_by("-pk").values_list("pk", flat=True).first() or 0


def replies_since(conversation: Conversation, seen_message_id: int, agent: Agent) -> list[Message]:
    """What went to the customer after `seen_message_id` from anyone but `agent`.

    Another agent's replies and automatic messages both count: either may already say what
    the agent is about to say. Notes do not, the customer never sees them.
    """
    return list(
        conversation.messages.filter(kind=MessageKind.OUTBOUND, pk__gt=seen_message_id)
        .exclude(author_agent=agent)
        .select_related("author_agent")
        .order_by("pk")
    )


def timeline(conversation: Conversation, *, include_notes: bool) -> list[Message]:
    messages = (
        Message.objects.filter(conversation=conversation)
        .select_related("author_agent", "author_contact")
        .prefetch_related("attachments")
    )
    if not include_notes:
        messages = messages.exclude(kind=MessageKind.NOTE)
    return list(messages.order_by("created_at", "pk"))


def conversations_for_contact(contact: Contact) -> list[Conversation]:
    return list(
        Conversation.objects.filter(contact=contact, merged_into__isnull=True).order_by(
            "-last_message_at", "-pk"
        )
    )


def conversation_for_contact(contact: Contact, reference: str) -> Conversation:
    """The contact's own conversation; another customer's is reported as not found.

    A merged conversation's old number leads to the one it was merged into, so links
    in earlier emails keep working.
    """
    number = parse_reference(reference)
    conversation = (
        Conversation.objects.select_related("inbox").filter(pk=number, contact=contact).first()
        if number is not None
        else None
    )
    while conversation is not None and conversation.merged_into_id is not None:
        conversation = (
            Conversation.objects.select_related("inbox")
            .filter(pk=conversation.merged_into_id, contact=contact)
            .first()
        )
    if conversation is None:
        raise _not_found(reference)
    return conversation


def message_for_contact(contact: Contact, message_id: int) -> Message:
    message = (
        Message.objects.select_related("conversation")
        .exclude(kind=MessageKind.NOTE)
        .filter(pk=message_id, conversation__contact=contact)
        .first()
    )
    if message is None:
        raise NotFound(_("Message not found."))
    return message


def previews(conversations: Sequence[Conversation]) -> dict[int, str]:
    """The start of each conversation's first customer-visible message, in one query."""
    if not conversations:
        return {}
    first_text = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .exclude(kind__in=[MessageKind.NOTE, MessageKind.SYSTEM])
        .order_by("created_at", "pk")
        .annotate(start=Substr("text", 1, PREVIEW_CHARS))
        .values("start")[:1]
    )
    rows = (
        Conversation.objects.filter(pk__in=[c.pk for c in conversations])
        .annotate(preview=Subquery(first_text))
        .values_list("pk", "preview")
    )
    return {pk: " ".join((text or "").split()) for pk, text in rows}


def attachment_for_agent(agent: Agent, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("message").filter(pk=attachment_id).first()
        if agent.is_active
        else None
    )
    if attachment is None or not attachment.file:
        raise NotFound(_("This file was not found."))
    return attachment
