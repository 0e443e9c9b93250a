"""Unsubscribe tokens and the excerpt a notice shows."""

from django.core import signing

from kefu.community import notices


def test_tokens_name_one_member_and_one_question() -> None:
    token = notices.unsubscribe_token(7, 42)
    assert notices.read_unsubscribe_token(token) == notices.Unsubscribe(7, 42)
    assert notices.read_unsubscribe_token(token[:-2] + "xx") is None
    forged = signing.dumps(["7", True], salt=notices.UNSUBSCRIBE_SALT)
    assert notices.read_unsubscribe_token(forged) is None


def test_a_notice_shows_the_start_of_a_long_answer() -> None:
    assert notices.excerpt("  short  ") == "short"
    long = "答" * 500
    shown = notices.excerpt(long)
    assert shown == "答" * notices.EXCERPT_CHARS + "…"
