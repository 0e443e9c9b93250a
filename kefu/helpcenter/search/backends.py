"""The two full-text backends behind one interface: SQLite FTS5 and PostgreSQL.

Both read the same folded, segmented terms (see analysis.py) from SearchDocument; they
differ only in how the database indexes and ranks them and in how a mistyped English
word is matched to a known one.
"""

from collections.abc import Sequence
from typing import Protocol

from django.db import connection

from kefu.helpcenter.models import SearchTerm


class Backend(Protocol):
    def match(
        self, terms: Sequence[str], prefix: str, languages: Sequence[str], limit: int
    ) -> list[int]:
        """Translation ids matching any term (or the prefix), best first."""

    def closest_term(self, word: str) -> str | None:
        """The known English term nearest to a word the index does not know."""


class SQLiteBackend:
    def match(
        self, terms: Sequence[str], prefix: str, languages: Sequence[str], limit: int
    ) -> list[int]:
        # Every term is [a-z0-9] or CJK (see analysis.py); quoting keeps FTS5 from
        # reading any of them as an operator.
        alternatives = [f'"{term}"' for term in terms]
        if prefix:
            alternatives.append(f'"{prefix}"*')
        placeholders = ", ".join("%s" for _ in languages)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.translation_id FROM helpcenter_search_fts f"
                " JOIN helpcenter_searchdocument d ON d.translation_id = f.rowid"
                f" WHERE helpcenter_search_fts MATCH %s AND d.language IN ({placeholders})"
                " ORDER BY bm25(helpcenter_search_fts, 4.0, 1.0) LIMIT %s",
                [" OR ".join(alternatives), *languages, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def closest_term(self, word: str) -> str | None:
        # Typos rarely hit the first letter; that keeps the candidates to a few hundred.
        candidates = SearchTerm.objects.filter(
            term__gte=word[0], term__lt=chr(ord(word[0]) + 1)
        ).values_list("term", flat=True)
        allowed = 1 if len(word) < 8 else 2
        best: tuple[int, str] | None = None
        for candidate in candidates.iterator(chunk_size=2000):
            if abs(len(candidate) - len(word)) > allowed:
                continue
            distance = edit_distance(word, candidate, allowed)
            if distance <= allowed and (best is None or (distance, candidate) < best):
                best = (distance, candidate)
        return best[1] if best else None


class PostgreSQLBackend:
    def match(
        self, terms: Sequence[str], prefix: str, languages: Sequence[str], limit: int
    ) -> list[int]:
        # The tsquery is written in its own input syntax (quoted lexemes), not parsed
        # with to_tsquery, for the same reason the vector is built without a parser.
        alternatives = [f"'{term}'" for term in terms]
        if prefix:
            alternatives.append(f"'{prefix}':*")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT translation_id FROM helpcenter_searchdocument,"
                " CAST(%s AS tsquery) query"
                " WHERE vector @@ query AND language = ANY(%s)"
                " ORDER BY ts_rank(vector, query) DESC, translation_id LIMIT %s",
                [" | ".join(alternatives), list(languages), limit],
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
