"""The inbox's search box: words, numbers and the filters together, pages, bad queries."""

import re

import pytest

from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation
from kefu.conversations.selectors import PAGE_SIZE
from kefu.inboxes.models import Channel, Inbox
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    return re.findall(r'<span class="ref">(K-\d{6})</span>', response.content.decode())


@pytest.fixture
def receive(inbox):
    def make(text: str, who: str, box: Inbox | None = None) -> Conversation:
        inbound = InboundMessage(
            inbox=box or inbox, text=text, identity_kind="email", identity_value=who
        )
        return actions.receive_message(inbound).conversation

    return make


def test_a_search_lists_only_matches_with_the_word_marked(agent_client, receive):
    wanted = receive("我的提现还没到账", "a@example.com")
    receive("怎么修改手机号", "b@example.com")
    response = agent_client.get("/console/", {"q": "提现"})
    assert references(response) == [wanted.reference]
    page = response.content.decode()
    assert '<p class="search-snippet">我的<mark>提现</mark>还没到账</p>' in page
    assert 'name="q" value="提现"' in page


def test_the_rows_endpoint_searches_too(agent_client, receive):
    wanted = receive("USDT 充值没到账", "a@example.com")
    receive("hello", "b@example.com")
    rows = agent_client.get("/console/inbox/rows/", {"q": "usdt"}, headers={"HX-Request": "true"})
    assert references(rows) == [wanted.reference]
    assert rows["HX-Push-Url"] == "/console/?q=usdt"


def test_search_combines_with_filters(agent_client, receive):
    mail = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    by_mail = receive("提现 by mail", "a@example.com", mail)
    receive("提现 on the portal", "b@example.com")
    response = agent_client.get("/console/", {"q": "提现", "channel": "email"})
    assert references(response) == [by_mail.reference]


def test_a_ticket_number_comes_first(agent_client, receive):
    wanted = receive("hello", "a@example.com")
    other = receive(f"about {wanted.pk}", "b@example.com")
    response = agent_client.get("/console/", {"q": f"#{wanted.pk}"})
    assert references(response) == [wanted.reference, other.reference]


def test_pages_keep_the_query(agent_client, receive):
    for n in range(PAGE_SIZE + 1):
        receive(f"充值 {n}", f"p{n}@example.com")
    first = agent_client.get("/console/", {"q": "充值"})
    assert len(references(first)) == PAGE_SIZE
    assert "?q=%E5%85%85%E5%80%BC&amp;page=2" in first.content.decode()
    second = agent_client.get("/console/", {"q": "充值", "page": 2})
    assert len(references(second)) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [("!!!", "Type a few words to search for."), ("x" * 201, "at most 200 characters")],
)
def test_a_bad_query_says_what_is_wrong(agent_client, receive, query, message):
    receive("hello", "a@example.com")
    response = agent_client.get("/console/", {"q": query})
    assert response.status_code == 200
    assert references(response) == []
    assert message in response.content.decode()


def test_no_match_says_so(agent_client, receive):
    receive("hello", "a@example.com")
    response = agent_client.get("/console/", {"q": "不存在的词"})
    assert "No conversations match this search." in response.content.decode()


def test_search_query_count_does_not_grow_with_rows(
    agent_client, receive, django_assert_max_num_queries
):
    for n in range(30):
        receive(f"提现 {n}", f"q{n}@example.com")
    # session, agent, OTP device, the page's ids, their rows, tags, snippets
    with django_assert_max_num_queries(7):
        agent_client.get("/console/inbox/rows/", {"q": "提现"}, headers={"HX-Request": "true"})


@pytest.mark.parametrize(
    ("language", "placeholder", "empty"),
    [
        ("zh-Hans", "搜索文字、邮箱、K-000123…", "没有符合此搜索的会话。"),
        ("zh-Hant", "搜尋文字、電子郵件、K-000123…", "沒有符合此搜尋的對話。"),
    ],
)
def test_the_search_speaks_the_agents_language(
    agent_factory, receive, language, placeholder, empty
):
    receive("hello", "a@example.com")
    client = verified_client(agent_factory(language=language))
    page = client.get("/console/", {"q": "不存在的词"}).content.decode()
    assert placeholder in page
    assert empty in page
