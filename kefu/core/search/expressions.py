"""Query terms written as a match expression for SQLite FTS5 or a PostgreSQL tsquery.

Every term is [a-z0-9]+ or CJK word characters (see analysis.py), optionally ending in
"*" for a prefix; each is quoted, so neither database reads a term as an operator.
"""

from collections.abc import Callable, Sequence

# A concept is a list of alternative terms (a synonym group's token and its spellings,
# or one word); a query asks for every concept, or any of them.
Concepts = Sequence[Sequence[str]]


def _expression(concepts: Concepts, every: bool, term: Callable[[str], str], ops: str) -> str:
    any_of, all_of = ops.split(",")
    clauses = ["(" + any_of.join(map(term, concept)) + ")" for concept in concepts]
    return (all_of if every else any_of).join(clauses)


def _fts5_term(term: str) -> str:
    return f'"{term[:-1]}"*' if term.endswith("*") else f'"{term}"'


def _tsquery_term(term: str) -> str:
    return f"'{term[:-1]}':*" if term.endswith("*") else f"'{term}'"


def fts5_match(concepts: Concepts, *, every: bool) -> str:
    return _expression(concepts, every, _fts5_term, " OR , AND ")


def tsquery(concepts: Concepts, *, every: bool) -> str:
    return _expression(concepts, every, _tsquery_term, " | , & ")
