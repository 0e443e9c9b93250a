"""Which column each block of an article is indexed in; the same on SQLite and PostgreSQL."""

import pytest

from kefu.helpcenter import actions
from kefu.helpcenter.models import ArticleTranslation, SearchDocument, Status
from kefu.helpcenter.search import indexing
from tests.helpcenter.factories import translation

pytestmark = pytest.mark.django_db

BOX = """## What support will never ask for

- Support will never ask for your recovery phrase or private key."""


def article(slug: str, subject: str) -> ArticleTranslation:
    return translation(
        slug,
        "en",
        subject.capitalize(),
        f"All about {subject}.\n\n## Details\n\nMore {subject}.\n\n{BOX}",
    )


def document(item: ArticleTranslation) -> SearchDocument:
    return SearchDocument.objects.get(translation=item)


def test_lead_and_headings_are_the_head_and_the_rest_is_the_body() -> None:
    item = translation("fees", "en", "Fees", "Maker rebates.\n\n## Taker fees\n\nSpot pays 0.1%.")
    indexed = document(item)
    assert indexed.head_terms.split()[:4] == ["maker", "rebat", "taker", "fee"]
    assert indexed.terms.split()[:2] == ["spot", "pay"]
    assert indexed.shared_terms == ""


def test_a_block_three_articles_share_is_indexed_as_shared_in_all_of_them() -> None:
    first, second = article("deposits", "deposits"), article("trading", "trading")
    # Two copies are not yet boilerplate: an article may quote another.
    assert "recoveri" in document(first).terms
    assert document(first).shared_terms == ""
    third = article("kyc", "identity checks")
    for item in (first, second, third):
        indexed = document(item)
        assert "recoveri" in indexed.shared_terms
        assert "recoveri" not in indexed.terms
        # The article's own words stay where they were; "Details", a heading all
        # three have, is shared too.
        assert indexed.head_terms.startswith("all about")
        assert "detail" in indexed.shared_terms
    # Snippets read the article's own text before the box.
    assert document(third).plain.splitlines()[0] == "All about identity checks."
    assert document(third).plain.splitlines()[-1].startswith("Support will never ask")


def test_a_block_stops_being_shared_when_copies_go_out_of_the_index() -> None:
    first, second, third = (article(slug, slug) for slug in ("one", "two", "three"))
    actions.set_status(translation=third, status=Status.DRAFT)
    for item in (first, second):
        assert "recoveri" in document(item).terms
        assert document(item).shared_terms == ""


def test_the_same_box_in_either_chinese_script_is_one_block() -> None:
    box_hans = "## 客服绝不会向您索要\n\n- 客服绝不会向您索要助记词。"
    box_hant = "## 客服絕不會向您索要\n\n- 客服絕不會向您索要助記詞。"
    translation("a", "zh-Hans", "充值", f"充值说明。\n\n{box_hans}")
    translation("b", "zh-Hant", "提現", f"提現說明。\n\n{box_hant}")
    last = translation("c", "zh-Hant", "手續費", f"費率說明。\n\n{box_hant}")
    assert "助记词" in document(last).shared_terms


def test_rebuild_finds_shared_blocks_afresh() -> None:
    items = [article(slug, slug) for slug in ("one", "two", "three")]
    SearchDocument.objects.all().delete()
    assert indexing.rebuild() == 3
    assert all("recoveri" in document(item).shared_terms for item in items)
