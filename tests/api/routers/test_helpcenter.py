import pytest
from django.core.cache import cache
from django.test import Client

from kefu.api.routers.helpcenter import SEARCHES_PER_IP
from kefu.helpcenter import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_center() -> None:
    actions.import_bundle()


def test_search_needs_no_token_and_returns_slug_title_snippet_url(
    client: Client, help_center: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/help/search", {"q": "提币没到账", "language": "zh-Hant"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert set(first) == {"slug", "title", "snippet", "url"}
    assert first["slug"] == "withdrawal-delayed"
    assert first["title"] == "提現一直沒有到帳怎麼辦"
    assert first["url"] == "/help/articles/withdrawal-delayed/"
    assert "<mark>" in first["snippet"]


def test_language_defaults_to_accept_language(client: Client, help_center: None) -> None:
    response = client.get("/api/v1/help/search", {"q": "withdrawal"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["results"][0]["title"].isascii()


def test_limit_is_respected_and_bounded(client: Client, help_center: None) -> None:
    response = client.get("/api/v1/help/search", {"q": "提现", "limit": "2"})
    assert len(response.json()["results"]) == 2
    too_many = client.get("/api/v1/help/search", {"q": "提现", "limit": "500"})
    assert too_many.status_code == 422
    assert too_many.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("q", ["", "x" * 201, " " * 201])
def test_an_empty_or_too_long_query_is_a_clear_400(client: Client, q: str) -> None:
    response = client.get("/api/v1/help/search", {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert error["message"] == "Type 1 to 200 characters to search for."


@pytest.mark.parametrize("q", ["   ", "？", "?!…"])
def test_a_query_with_no_word_in_it_finds_nothing(
    client: Client, help_center: None, q: str
) -> None:
    response = client.get("/api/v1/help/search", {"q": q})
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_a_parameter_given_twice_is_refused(client: Client) -> None:
    response = client.get("/api/v1/help/search?q=提现&q=充值", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"field": "q", "code": "repeated", "message": "This parameter was given more than once."}
    ]


def test_an_unknown_language_is_a_validation_error(client: Client) -> None:
    response = client.get("/api/v1/help/search", {"q": "fee", "language": "fr"})
    assert response.status_code == 422


def test_searches_are_rate_limited_per_ip(client: Client) -> None:
    cache.clear()
    for _ in range(SEARCHES_PER_IP.attempts):
        assert client.get("/api/v1/help/search", {"q": "fee"}).status_code == 200
    throttled = client.get("/api/v1/help/search", {"q": "fee"})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
