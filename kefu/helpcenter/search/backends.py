"""The two full-text backends behind one interface: SQLite FTS5 and PostgreSQL.

Both read the same folded, segmented terms (see analysis.py) from SearchDocument; they
differ only in how the database indexes and ranks them and in how a mistyped English
word is matched to a known one.
"""

from typing import Protocol

from django.db import connection
from django.db.models.functions import Length

from kefu.core.search.expressions import Concepts, fts5_match, tsquery
from kefu.helpcenter.models import SearchTerm

# Title, head (lead and headings), body, shared blocks: the same proportions for FTS5's
# bm25 column weights and for PostgreSQL's ts_rank weights (listed D, C, B, A there).
WEIGHTS = (8.0, 3.0, 1.0, 0.1)
_BM25_WEIGHTS = ", ".join(str(weight) for weight in WEIGHTS)
_TS_RANK_WEIGHTS = "{" + ", ".join(str(weight / WEIGHTS[0]) for weight in reversed(WEIGHTS)) + "}"


class Backend(Protocol):
    def match(
        self, concepts: Concepts, limit: int, *, every: bool, titles: bool, heads: bool = False
    ) -> list[int]:
        """Translation ids matching every concept (or any, with every=False), best first;
        with titles=True, in titles only; with heads=True, in titles, leads and headings.

        A concept is a list of alternative terms; a term ending in "*" is a prefix. Words
        weigh by where they are: title, then lead and headings, then the article's own
        text, then the blocks it shares with many others (see indexing.py).
        """

    def closest_term(self, word: str) -> str | None:
        """The known English word nearest to a word the index does not know."""


class SQLiteBackend:
    def match(
        self, concepts: Concepts, limit: int, *, every: bool, titles: bool, heads: bool = False
    ) -> list[int]:
        expression = fts5_match(concepts, every=every)
        if titles:
            expression = f"title_terms : ({expression})"
        elif heads:
            expression = f"{{title_terms head_terms}} : ({expression})"
        with connection.cursor() as cursor:
            # No join and no filter: bm25 over thousands of matches costs milliseconds
            # already, and reading each match's row for a filter would triple that.
            cursor.execute(
                "SELECT rowid FROM helpcenter_search_fts WHERE helpcenter_search_fts MATCH %s"
                f" ORDER BY bm25(helpcenter_search_fts, {_BM25_WEIGHTS}) LIMIT %s",
                [expression, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def closest_term(self, word: str) -> str | None:
        # Typos rarely hit the first letter; with the length window that leaves a few
        # hundred candidates even in a large help center.
        allowed = 1 if len(word) < 8 else 2
        candidates = (
            SearchTerm.objects.filter(term__gte=word[0], term__lt=chr(ord(word[0]) + 1))
            .annotate(length=Length("term"))
            .filter(length__gte=len(word) - allowed, length__lte=len(word) + allowed)
            .values_list("term", flat=True)
        )
        best: tuple[int, str] | None = None
        for candidate in candidates:
            distance = edit_distance(word, candidate, allowed)
            if distance <= allowed and (best is None or (distance, candidate) < best):
                best = (distance, candidate)
        return best[1] if best else None


class PostgreSQLBackend:
    def match(
        self, concepts: Concepts, limit: int, *, every: bool, titles: bool, heads: bool = False
    ) -> list[int]:
        # The tsquery is written in its own input syntax (quoted lexemes), not parsed
        # with to_tsquery, for the same reason the vector is built without a parser.
        query = tsquery(concepts, every=every)
        any_word = tsquery(concepts, every=False)
        # Ranked by title, lead and headings (small inline vectors, migrations 0002 and
        # 0003): ts_rank over the whole body of thousands of matches would decompress
        # every one of them. Bodies that have every concept are taken as the index finds
        # them (no title, lead or heading names them all, or an earlier step would have
        # found them): ordering thousands of rows would fetch each one, and the caller
        # orders the candidates by how much of the query each covers.
        column = "title_vector" if titles else "head_vector" if heads else "vector"
        order = (
            ""
            if every and not (titles or heads)
            else f"ORDER BY ts_rank('{_TS_RANK_WEIGHTS}', head_vector, CAST(%s AS tsquery)) DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT translation_id FROM helpcenter_searchdocument"
                f" WHERE {column} @@ CAST(%s AS tsquery) {order} LIMIT %s",
                [query, any_word, limit] if order else [query, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def closest_term(self, word: str) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM helpcenter_searchterm WHERE term %% %s"
                " ORDER BY similarity(term, %s) DESC, term LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
        return row[0] if row else None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein (adjacent swaps count once), giving up past `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    return SQLiteBackend()
