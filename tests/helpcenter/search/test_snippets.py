"""Snippets show a phrase once, whatever the article repeats."""

import pytest

from kefu.core.search.snippets import distinct_blocks
from kefu.helpcenter.search.query import search
from tests.helpcenter.factories import translation


def test_a_heading_the_next_line_repeats_is_left_out() -> None:
    text = "What support will never ask for\nSupport will never ask for your recovery phrase."
    assert distinct_blocks(text) == ["Support will never ask for your recovery phrase."]
    text = "客服绝不会向您索要\n客服绝不会向您索要助记词、私钥或密码。"
    assert distinct_blocks(text) == ["客服绝不会向您索要助记词、私钥或密码。"]


def test_a_sentence_said_twice_is_kept_once() -> None:
    sentence = "Check the phone number on the verification page."
    assert distinct_blocks(f"{sentence}\nOther words here.\n{sentence}") == [
        sentence,
        "Other words here.",
    ]


def test_short_lines_and_different_lines_stay() -> None:
    # A table cell ("Pending") is part of a longer line's wording but says something alone.
    text = "Pending\nPending withdrawals are processed within 48 hours.\nUnder review"
    assert distinct_blocks(text) == text.splitlines()


@pytest.mark.django_db
def test_a_search_snippet_never_repeats_a_phrase() -> None:
    translation(
        "safety",
        "en",
        "Staying safe",
        "## What support will never ask for\n\n"
        "- Support will never ask for your recovery phrase or private key.\n\n"
        "## Remember\n\nSupport will never ask for your recovery phrase or private key.",
    )
    snippet = search("recovery phrase", "en")[0].snippet
    assert snippet.count("never ask for") == 1
    assert "<mark>recovery</mark> <mark>phrase</mark>" in snippet


@pytest.mark.django_db
def test_a_snippet_from_further_down_says_that_text_was_left_out() -> None:
    lines = "\n\n".join(f"Paragraph {n} talks about something else entirely." for n in range(12))
    translation("long", "en", "Long", f"Opening words here.\n\n{lines}\n\nThe memo goes last.")
    snippet = search("memo", "en")[0].snippet
    assert snippet.startswith("…")
    assert "<mark>memo</mark> goes last." in snippet
    assert not search("opening", "en")[0].snippet.startswith("…")
