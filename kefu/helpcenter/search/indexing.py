"""Keeping the search index in step with published translations (called by actions).

Each document's words go into four columns by what they say about the article: title,
head (lead and headings), body, and shared — blocks that several documents hold word for
word, such as the "support will never ask for your recovery phrase" box at the end of
every article. Shared text still matches, but weighs least, so a search for 助记词 finds
the articles about recovery phrases first rather than every article with the box.

Whether a block is shared depends on the other documents, so the index keeps each
document's block fingerprints (SearchBlock); when a save makes a block cross the
threshold, the other documents holding it are indexed again.
"""

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from kefu.core.search.analysis import analyze, is_vocabulary_word
from kefu.core.search.batches import in_batches
from kefu.helpcenter.models import (
    ArticleTranslation,
    SearchBlock,
    SearchDocument,
    SearchTerm,
    Status,
)
from kefu.helpcenter.rendering import to_blocks

BATCH = 500
# A block held word for word by this many documents is boilerplate. Three, not "most":
# an article's own text is rarely repeated even twice, and a small help center has a
# safety box in a few articles long before it has it in most.
SHARED_MIN_DOCUMENTS = 3


@dataclass(frozen=True)
class _Block:
    fingerprint: str
    head: bool
    terms: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class _Parsed:
    translation: ArticleTranslation
    title_terms: str
    blocks: tuple[_Block, ...]
    vocabulary: frozenset[str]

    def document(self, shared: set[str]) -> SearchDocument:
        columns: dict[str, list[str]] = {"head": [], "body": [], "shared": []}
        for block in self.blocks:
            column = "shared" if block.fingerprint in shared else "head" if block.head else "body"
            columns[column].extend(block.terms)
        # Shared blocks go last in the snippet text, so a snippet shows the article's own
        # words when it has the query's, not the box every article has.
        own = [block.text for block in self.blocks if block.fingerprint not in shared]
        boxes = [block.text for block in self.blocks if block.fingerprint in shared]
        return SearchDocument(
            translation_id=self.translation.pk,
            language=self.translation.language,
            title_terms=self.title_terms,
            head_terms=" ".join(columns["head"]),
            terms=" ".join(columns["body"]),
            shared_terms=" ".join(columns["shared"]),
            plain="\n".join(own + boxes),
        )


def _parse(translation: ArticleTranslation) -> _Parsed:
    title = analyze(translation.title)
    words = set(title.words)
    blocks: dict[str, _Block] = {}
    for block in to_blocks(translation.body):
        analyzed = analyze(block.text)
        words.update(analyzed.words)
        # The fingerprint is of the terms, so punctuation, width and script (zh-Hant and
        # zh-Hans fold alike) do not make two copies of the same box look different; a
        # block without terms (a number, a symbol) is fingerprinted by its text.
        key = " ".join(analyzed.terms) or block.text
        digest = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
        if digest in blocks:  # the same block twice in one article counts once
            continue
        blocks[digest] = _Block(digest, block.kind != "text", tuple(analyzed.terms), block.text)
    return _Parsed(
        translation=translation,
        title_terms=" ".join(title.terms),
        blocks=tuple(blocks.values()),
        vocabulary=frozenset(word for word in words if is_vocabulary_word(word)),
    )


def index_translation(translation: ArticleTranslation) -> None:
    """Index a published translation, or take a draft out of the index."""
    index_many([translation])


def index_many(
    translations: Iterable[ArticleTranslation], progress: Callable[[int], None] | None = None
) -> None:
    in_batches(translations, BATCH, _index_batch, progress)


def _block_counts(fingerprints: set[str]) -> Counter[str]:
    """How many documents hold each block, in chunks that stay under SQLite's limit of
    query parameters."""
    ordered = sorted(fingerprints)
    counts: Counter[str] = Counter()
    for start in range(0, len(ordered), 900):
        rows = (
            SearchBlock.objects.filter(fingerprint__in=ordered[start : start + 900])
            .values_list("fingerprint")
            .annotate(documents=Count("document_id"))
        )
        counts.update(dict(rows))
    return counts


def _index_batch(translations: list[ArticleTranslation]) -> None:
    parsed = [_parse(t) for t in translations if t.status == Status.PUBLISHED]
    ids = [translation.pk for translation in translations]
    with transaction.atomic():
        old = set(
            SearchBlock.objects.filter(document_id__in=ids).values_list("fingerprint", flat=True)
        )
        new = Counter(block.fingerprint for item in parsed for block in item.blocks)
        before = _block_counts(old | set(new))
        # Delete + insert rather than update: the full-text index (FTS5 triggers or the
        # generated tsvector) follows row changes either way, and this is one statement.
        SearchDocument.objects.filter(translation__in=translations).delete()
        after = _block_counts(old | set(new)) + new
        shared = {fp for fp, count in after.items() if count >= SHARED_MIN_DOCUMENTS}
        SearchDocument.objects.bulk_create([item.document(shared) for item in parsed])
        SearchBlock.objects.bulk_create(
            [
                SearchBlock(document_id=item.translation.pk, fingerprint=block.fingerprint)
                for item in parsed
                for block in item.blocks
            ]
        )
        vocabulary = set().union(*(item.vocabulary for item in parsed))
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=term) for term in sorted(vocabulary)], ignore_conflicts=True
        )
        crossed = {
            fp
            for fp in old | set(new)
            if (before[fp] >= SHARED_MIN_DOCUMENTS) != (after[fp] >= SHARED_MIN_DOCUMENTS)
        }
        if crossed:
            _reindex_holders(crossed, exclude=ids)


def _reindex_holders(fingerprints: set[str], exclude: list[int]) -> None:
    """Index again the other documents holding blocks that just became (or stopped being)
    shared; their own blocks do not change, so this never cascades further."""
    ordered = sorted(fingerprints)
    holders: set[int] = set()
    for start in range(0, len(ordered), 900):
        holders.update(
            SearchBlock.objects.filter(fingerprint__in=ordered[start : start + 900])
            .exclude(document_id__in=exclude)
            .values_list("document_id", flat=True)
        )
    ids = sorted(holders)
    for start in range(0, len(ids), BATCH):
        _index_batch(list(ArticleTranslation.objects.filter(pk__in=ids[start : start + BATCH])))


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Index every translation afresh; returns how many are published."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        index_many(ArticleTranslation.objects.order_by("pk").iterator(chunk_size=BATCH), progress)
    return SearchDocument.objects.count()
