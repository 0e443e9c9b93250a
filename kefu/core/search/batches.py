"""Indexing many rows a batch at a time, saying how far it got."""

from collections.abc import Callable, Iterable
from typing import TypeVar

Row = TypeVar("Row")


def in_batches(
    rows: Iterable[Row],
    size: int,
    index: Callable[[list[Row]], None],
    progress: Callable[[int], None] | None = None,
) -> None:
    """index() each run of `size` rows (one transaction's worth), then report the count."""
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            index(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        index(batch)
        if progress:
            progress(len(batch))
