"""Search over conversations: words (Chinese without spaces too), numbers, scope, order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, Status
from kefu.conversations.search.query import search_page, search_queryset, ticket_number
from kefu.conversations.selectors import PAGE_SIZE, InboxFilters
from kefu.core.search.queries import QueryError
from kefu.inboxes.models import Channel, Inbox
from tests.conversations.search.conftest import Receive

pytestmark = pytest.mark.django_db


def found(agent: Agent, query: str, **filters: object) -> list[int]:
    queryset = search_queryset(agent, InboxFilters(**filters), query)  # type: ignore[arg-type]
    return list(queryset.values_list("pk", flat=True))


def test_a_chinese_word_finds_a_message_typed_without_spaces(
    receive: Receive, agent: Agent
) -> None:
    wanted = receive("我的提现还没到账")
    receive("怎么修改手机号", who="other@example.com")
    assert found(agent, "提现") == [wanted.pk]


def test_traditional_script_and_synonyms_meet(receive: Receive, agent: Agent) -> None:
    wanted = receive("我的提现还没到账")
    assert found(agent, "提現") == [wanted.pk]  # zh-Hant spelling
    assert found(agent, "提币") == [wanted.pk]  # a synonym of 提现
    assert found(agent, "withdrawal") == [wanted.pk]


def test_every_word_must_be_there(receive: Receive, agent: Agent) -> None:
    both = receive("USDT deposit missing on TRC20")
    receive("USDT withdrawal", who="other@example.com")
    assert found(agent, "usdt trc20") == [both.pk]


@pytest.mark.parametrize("written", ["K-{n:06d}", "k-{n}", "{n:06d}", "#{n}", " #{n} "])
def test_a_ticket_number_finds_that_conversation_first(
    receive: Receive, agent: Agent, written: str
) -> None:
    wanted = receive("hello")
    receive(f"see ticket {wanted.pk}", who="other@example.com")
    assert found(agent, written.format(n=wanted.pk))[0] == wanted.pk


@pytest.mark.parametrize(
    ("text", "number"), [("K-000123", 123), ("000123", 123), ("#123", 123), ("K-²", None)]
)
def test_ticket_number(text: str, number: int | None) -> None:
    assert ticket_number(text) == number


def test_contact_name_email_and_handle(receive: Receive, agent: Agent) -> None:
    by_mail = receive("hi", who="li.na@example.com", contact_name="李娜")
    by_handle = receive("hi", identity_kind="telegram", who="@Crypto_Li")
    assert found(agent, "li.na@example.com") == [by_mail.pk]
    assert found(agent, "李娜") == [by_mail.pk]
    assert found(agent, "@crypto_li") == [by_handle.pk]


def test_scope_and_filters_are_the_inbox_ones(
    receive: Receive, agent: Agent, agent_factory
) -> None:
    mine = receive("提现 mine")
    theirs = receive("提现 theirs", who="b@example.com")
    theirs.assignee = agent_factory()
    theirs.save(update_fields=["assignee"])
    mine.assignee = agent
    mine.save(update_fields=["assignee"])
    email_inbox = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    mailed = receive("提现 by mail", who="c@example.com", inbox=email_inbox)
    resolved = receive("提现 resolved", who="d@example.com")
    Conversation.objects.filter(pk=resolved.pk).update(status=Status.RESOLVED)
    assert set(found(agent, "提现")) == {mine.pk, theirs.pk, mailed.pk, resolved.pk}
    assert found(agent, "提现", view="mine") == [mine.pk]
    assert found(agent, "提现", channel=Channel.EMAIL) == [mailed.pk]
    assert found(agent, "提现", status=Status.RESOLVED) == [resolved.pk]
    # A merged conversation is not in the inbox, so not in its search either.
    Conversation.objects.filter(pk=theirs.pk).update(merged_into=mine)
    assert theirs.pk not in found(agent, "提现")


def test_newest_activity_first_and_paged(receive: Receive, agent: Agent) -> None:
    made = [receive(f"充值 {n}", who=f"p{n}@example.com") for n in range(PAGE_SIZE + 2)]
    start = timezone.now() - timedelta(days=1)
    for n, conversation in enumerate(made):
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=start + timedelta(minutes=n)
        )
    first = search_page(agent, InboxFilters(), "充值")
    second = search_page(agent, InboxFilters(), "充值", page=2)
    newest_first = [c.pk for c in reversed(made)]
    assert [c.pk for c in first.conversations] == newest_first[:PAGE_SIZE]
    assert first.has_next
    assert not second.has_next
    assert [c.pk for c in second.conversations] == newest_first[PAGE_SIZE:]


def test_snippet_marks_the_match_and_escapes_the_rest(receive: Receive, agent: Agent) -> None:
    conversation = receive("hello")
    receive("<script>alert(1)</script> 我的提现还没到账", conversation=conversation)
    page = search_page(agent, InboxFilters(), "提现")
    shown = page.snippets[conversation.pk]
    assert "<mark>提现</mark>" in shown
    assert "&lt;script&gt;" in shown
    assert "<script>" not in shown


@pytest.mark.parametrize("query", ["", "   ", "!!!", "x" * 201])
def test_a_query_without_words_or_too_long_is_refused(agent: Agent, query: str) -> None:
    with pytest.raises(QueryError):
        search_queryset(agent, InboxFilters(), query)


def test_quotes_and_operators_are_words_not_syntax(receive: Receive, agent: Agent) -> None:
    wanted = receive('order "NEAR" OR AND * 提现')
    assert found(agent, '"near" OR') == [wanted.pk]
    assert found(agent, "'; drop table --") == []


def test_search_page_query_count_is_fixed(
    receive: Receive, agent: Agent, django_assert_max_num_queries
) -> None:
    for n in range(10):
        receive(f"提现 {n}", who=f"q{n}@example.com")
    with django_assert_max_num_queries(4):  # page ids, their rows, tags, snippets
        page = search_page(agent, InboxFilters(), "提现")
    assert len(page.conversations) == 10


def test_only_common_words_find_nothing(receive: Receive, agent: Agent) -> None:
    receive("的的的")
    assert found(agent, "的") == []


def test_a_bare_number_is_a_ticket_even_without_words(receive: Receive, agent: Agent) -> None:
    wanted = receive("的")
    assert found(agent, str(wanted.pk)) == [wanted.pk]
