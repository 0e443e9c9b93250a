"""Keeping the conversation search index in step, called by the actions that write.

Only stored text is indexed, so what a customer pasted is indexed as redacted. A new
message's terms are appended to its conversation's document (one UPDATE) rather than the
document being rebuilt: a long email thread is not read and segmented again per reply.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Concat

from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.models import Conversation, Message, MessageKind, SearchDocument
from kefu.core.search.analysis import analyze
from kefu.core.search.batches import in_batches

BATCH = 500
# What agents search for; a system line ("K-000012 was merged into…") is not.
INDEXED_KINDS = (MessageKind.INBOUND, MessageKind.OUTBOUND, MessageKind.NOTE)
# A web visitor's id is a random token nobody types.
_UNSEARCHED_IDENTITIES = (IdentityKind.WEBCHAT,)


def _terms(text: str) -> str:
    return " ".join(analyze(text).terms)


def contact_terms(contact: Contact) -> str:
    """The name and every address an agent may type: email, phone, Telegram handle, uid."""
    parts = [contact.name]
    # .all(), not a values query: a rebuild prefetches every contact's identities.
    for identity in contact.identities.all():
        if identity.kind in _UNSEARCHED_IDENTITIES:
            continue
        value = identity.value
        parts.append(value)
        if identity.kind == IdentityKind.PHONE:
            # "+86 138-0013-8000" is cut into four numbers; the digits together are
            # what an agent pastes.
            parts.append("".join(char for char in value if char.isdigit()))
    return _terms(" ".join(parts))


def _appended(terms: str) -> Case:
    # Terms are single-space separated with no empty ones: PostgreSQL's array_to_tsvector
    # refuses an empty lexeme.
    return Case(
        When(terms="", then=Value(terms)),
        default=Concat(F("terms"), Value(" " + terms)),
        output_field=TextField(),
    )


def index_message(message: Message, *, new_conversation: bool = False) -> None:
    """Add a stored message to its conversation's document (creating it for a new one).

    A conversation without a document (one from before the index, until a reindex) gets
    one from this message on.
    """
    if message.kind not in INDEXED_KINDS:
        return
    terms = _terms(message.text)
    if not new_conversation:
        if not terms:
            return
        updated = SearchDocument.objects.filter(conversation_id=message.conversation_id).update(
            terms=_appended(terms)
        )
        if updated:
            return
    conversation = message.conversation
    SearchDocument.objects.create(
        conversation=conversation,
        contact_terms=contact_terms(conversation.contact),
        terms=" ".join(filter(None, [_terms(conversation.subject), terms])),
    )


def refresh_contact(contact: Contact) -> None:
    """Rewrite the contact's part of each of their conversations' documents."""
    SearchDocument.objects.filter(conversation__contact=contact).update(
        contact_terms=contact_terms(contact)
    )


def absorb(*, source: Conversation, target: Conversation) -> None:
    """A merge: the duplicate's words become the target's, and it leaves the index."""
    found = SearchDocument.objects.filter(conversation=source)
    words = " ".join(filter(None, found.values_list("terms", flat=True)))
    found.delete()
    if words:
        SearchDocument.objects.filter(conversation=target).update(terms=_appended(words))


def _document(conversation: Conversation, texts: list[str]) -> SearchDocument:
    return SearchDocument(
        conversation=conversation,
        contact_terms=contact_terms(conversation.contact),
        terms=_terms("\n".join([conversation.subject, *texts])),
    )


def _index_batch(conversations: list[Conversation]) -> None:
    texts: dict[int, list[str]] = {c.pk: [] for c in conversations}
    rows = (
        Message.objects.filter(conversation__in=conversations, kind__in=INDEXED_KINDS)
        .order_by("created_at", "pk")
        .values_list("conversation_id", "text")
    )
    for conversation_id, text in rows:
        texts[conversation_id].append(text)
    documents = [_document(c, texts[c.pk]) for c in conversations]
    SearchDocument.objects.filter(conversation__in=conversations).delete()
    SearchDocument.objects.bulk_create(documents)


def index_many(
    conversations: Iterable[Conversation], progress: Callable[[int], None] | None = None
) -> None:
    in_batches(conversations, BATCH, _index_batch, progress)


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Index every conversation afresh (merged ones stay out); returns how many."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        conversations = (
            Conversation.objects.filter(merged_into__isnull=True)
            .select_related("contact")
            .prefetch_related("contact__identities")
            .order_by("pk")
        )
        index_many(conversations.iterator(chunk_size=BATCH), progress)
    return SearchDocument.objects.count()
