"""Searching conversations from the console: the inbox's own scope and filters, plus words.

A query matches a conversation when every word of it (a synonym group counting as one,
so 提币 finds 提现) is in its subject, its messages or its contact's name and addresses.
A ticket number (K-000123, 000123, #123) also finds that conversation, which comes first;
the rest follow newest activity first, like the inbox, so paging stays cheap.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils.safestring import SafeString

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, Message
from kefu.conversations.search.indexing import INDEXED_KINDS
from kefu.conversations.selectors import (
    PAGE_SIZE,
    InboxFilters,
    InboxPage,
    inbox_queryset,
    parse_reference,
)
from kefu.core.search.analysis import analyze
from kefu.core.search.expressions import Concepts, fts5_match, tsquery
from kefu.core.search.queries import clean_query
from kefu.core.search.snippets import SCAN, Highlight, matching_snippet, snippet

MAX_TERMS = 32
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class SearchPage(InboxPage):
    snippets: dict[int, SafeString]


def ticket_number(text: str) -> int | None:
    """K-000123, 000123 or #123 → 123."""
    return parse_reference(text.removeprefix("#"))


def _concepts(text: str) -> Concepts:
    concepts = [list(concept) for concept in analyze(text).concepts][:MAX_TERMS]
    for concept in concepts:
        # Part of a phone number or an order number is still that number.
        if len(concept) == 1 and set(concept[0]) <= _DIGITS:
            concept.append(concept[0] + "*")
    return concepts


def _matching(concepts: Concepts, number: int | None) -> RawSQL:
    """The ids of the conversations whose document has every concept, and the number's.

    The number is one more id in the same list rather than an OR beside it: with the OR,
    PostgreSQL read every conversation to test it.
    """
    extra = " UNION ALL SELECT %s" if number is not None else ""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT conversation_id FROM conversations_searchdocument"
            " WHERE vector @@ CAST(%s AS tsquery)"
        )
        match = tsquery(concepts, every=True)
    else:
        sql = "SELECT rowid FROM conversations_search_fts WHERE conversations_search_fts MATCH %s"
        match = fts5_match(concepts, every=True)
    if not concepts:  # only words too common to search for ("的")
        if number is None:
            return RawSQL("SELECT 0 WHERE 1 = 0", [])
        return RawSQL("SELECT %s", [number])
    return RawSQL(sql + extra, [match, number] if number is not None else [match])


def search_queryset(agent: Agent, filters: InboxFilters, query: str) -> QuerySet[Conversation]:
    """The inbox's queryset (same scope, same filters) narrowed to the query, best first."""
    text = clean_query(query)
    number = ticket_number(text)
    matching = inbox_queryset(agent, filters).filter(pk__in=_matching(_concepts(text), number))
    if number is None:
        return matching.order_by("-last_message_at", "-pk")
    exact = Case(When(pk=number, then=Value(1)), default=Value(0), output_field=IntegerField())
    return matching.annotate(exact=exact).order_by("-exact", "-last_message_at", "-pk")


def highlight_for(query: str) -> Highlight:
    analyzed = analyze(clean_query(query))
    terms = frozenset(term for concept in analyzed.concepts for term in concept)
    return Highlight(terms, analyzed.groups, "")


def snippets(conversations: list[Conversation], query: str) -> dict[int, SafeString]:
    """For each conversation, its first message with a word of the query, highlighted.

    One query for the page; a conversation found by its number or its contact shows the
    start of its first message instead.
    """
    highlight = highlight_for(query)
    rows = (
        Message.objects.filter(conversation__in=conversations, kind__in=INDEXED_KINDS)
        .order_by("created_at", "pk")
        .annotate(start=Substr("text", 1, SCAN))
        .values_list("conversation_id", "start")
    )
    found: dict[int, SafeString] = {}
    first: dict[int, str] = {}
    for conversation_id, text in rows:
        first.setdefault(conversation_id, text)
        if conversation_id not in found:
            cut = matching_snippet(text, highlight)
            if cut is not None:
                found[conversation_id] = cut
    for conversation_id, text in first.items():
        if conversation_id not in found:
            found[conversation_id] = snippet(text, highlight)
    return found


def search_page(agent: Agent, filters: InboxFilters, query: str, page: int = 1) -> SearchPage:
    """One page of search results, as inbox_page gives the inbox (no COUNT(*) either).

    The page's ids come first from the bare query, then its rows: with the joins for
    contact, assignee and team in the same statement, SQLite drives the query from the
    matches and sorts them all instead of walking the recency index to the first page.
    """
    page = max(page, 1)
    start = (page - 1) * PAGE_SIZE
    ids = list(
        search_queryset(agent, filters, query).values_list("pk", flat=True)[
            start : start + PAGE_SIZE + 1
        ]
    )
    shown_ids = ids[:PAGE_SIZE]
    by_id = (
        Conversation.objects.filter(pk__in=shown_ids)
        .select_related("contact", "assignee", "team")
        .prefetch_related("tags")
        .in_bulk()
    )
    shown = [by_id[pk] for pk in shown_ids if pk in by_id]
    return SearchPage(shown, page, len(ids) > PAGE_SIZE, snippets(shown, query))
