"""The public help center pages: complete without JavaScript, in the reader's language."""

import re

import pytest
from django.test import Client

from kefu.helpcenter import actions
from kefu.helpcenter.models import HelpfulVote, Status
from tests.helpcenter.factories import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_center() -> None:
    actions.import_bundle()


def _in(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def test_front_page_lists_categories_and_articles_in_the_readers_language(
    help_center: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):
        response = _in("zh-hant").get("/help/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "帳戶與安全" in html
    assert "提現一直沒有到帳怎麼辦" in html
    assert 'action="/help/search/"' in html
    assert "<script>" not in html  # nothing inline; the page works without scripts


def test_category_page_lists_its_articles(help_center: None) -> None:
    response = _in("en").get("/help/deposits-and-withdrawals/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "My withdrawal has not arrived" in html
    assert "Set up or reset two-factor" not in html


def test_article_page_renders_markdown_and_related_articles(
    help_center: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(6):
        response = _in("en").get("/help/articles/deposit-missing/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>My deposit has not arrived</h1>" in html
    assert "<strong>The memo/tag</strong>" in html
    assert 'href="/help/articles/withdrawal-howto/"' in html  # related
    assert 'href="/portal/verify/"' in html
    assert "not available in your language" not in html


def test_article_in_another_language_says_so() -> None:
    translation("only-english", "en", "Only in English", "Some **text**.")
    html = _in("zh-hans").get("/help/articles/only-english/").content.decode()
    assert "Only in English" in html
    assert "这篇文章还没有您所选语言的版本，当前显示的是English版本。" in html
    assert 'lang="en"' in html


def test_a_draft_or_unknown_article_or_category_is_a_404() -> None:
    translation("draft", "en", "Draft", "Not yet.", status=Status.DRAFT)
    client = _in("en")
    assert client.get("/help/articles/draft/").status_code == 404
    assert client.get("/help/articles/nope/").status_code == 404
    response = client.get("/help/nope/")
    assert response.status_code == 404
    assert 'action="/help/search/"' in response.content.decode()


def test_search_page_shows_highlighted_results(help_center: None) -> None:
    response = _in("zh-hans").get("/help/search/", {"q": "提幣沒到賬"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/help/articles/withdrawal-delayed/"' in html
    assert "<mark>" in html


def test_search_page_escapes_the_query() -> None:
    response = _in("en").get("/help/search/", {"q": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_page_explains_a_query_it_cannot_search() -> None:
    response = _in("en").get("/help/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_a_null_character_in_a_search_is_searched_around(help_center: None) -> None:
    """Nothing of a query is stored, so U+0000 is only a character that matches nothing."""
    response = _in("zh-hans").get("/help/search/", {"q": "提幣\x00沒到賬"})
    assert response.status_code == 200
    assert 'href="/help/articles/withdrawal-delayed/"' in response.content.decode()


def test_one_helpful_vote_per_session_without_javascript(help_center: None) -> None:
    client = _in("en")
    url = "/help/articles/fees/vote/"
    response = client.post(url, {"helpful": "yes"}, follow=True)
    assert "Thank you for your feedback." in response.content.decode()
    assert "Was this article helpful?" not in response.content.decode()
    response = client.post(url, {"helpful": "no"}, follow=True)
    assert "already told us" in response.content.decode()
    assert list(HelpfulVote.objects.values_list("helpful", flat=True)) == [True]
    _in("en").post(url, {"helpful": "no"})  # another reader
    assert HelpfulVote.objects.count() == 2


def test_a_vote_without_a_choice_is_refused(help_center: None) -> None:
    response = _in("en").post("/help/articles/fees/vote/", {"helpful": "maybe"}, follow=True)
    assert "Choose “Yes” or “No”" in response.content.decode()
    assert not HelpfulVote.objects.exists()


def test_the_search_box_offers_results_while_typing(help_center: None) -> None:
    html = _in("en").get("/help/").content.decode()
    endpoint = re.search(r'data-help-search="([^"]+)"', html)
    assert endpoint is not None
    assert endpoint.group(1) == "/api/v1/help/search"
    assert "help-search.js" in html


def test_pages_speak_the_readers_language(help_center: None) -> None:
    assert "說明中心" in _in("zh-hant").get("/help/").content.decode()
    assert "这篇文章对您有帮助吗？" in _in("zh-hans").get("/help/articles/fees/").content.decode()
    assert "Was this article helpful?" in _in("en").get("/help/articles/fees/").content.decode()


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Solve it step by step"), ("zh-hans", "一步步解决问题")]
)
def test_front_page_links_the_guided_flows(help_center: None, language: str, words: str) -> None:
    html = _in(language).get("/help/").content.decode()
    assert re.search(rf'<a href="/help/flows/">{words}</a>', html)
