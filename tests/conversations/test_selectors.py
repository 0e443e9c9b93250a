from collections.abc import Callable

import pytest
from pytest_django import DjangoAssertNumQueries

from kefu.agents.models import Agent
from kefu.conversations import actions, selectors
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.core.errors import NotFound


@pytest.mark.parametrize(
    ("reference", "number"),
    [
        ("K-000123", 123),
        ("k-42", 42),
        ("7", 7),
        (" 7 ", None),  # a box that takes typed numbers strips them itself
        ("K-", None),
        ("abc", None),
        ("K-1e3", None),
        ("K-²", None),
        ("K-１２", None),
        ("K-9223372036854775808", None),
    ],
)
def test_parse_reference(reference: str, number: int | None) -> None:
    assert selectors.parse_reference(reference) == number


@pytest.mark.django_db
class TestInbox:
    def test_views_and_filters(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        mine = conversation_factory(assignee=agent, intent="fees")
        unassigned = conversation_factory(status=Status.PENDING, priority="urgent")

        def refs(**filters: object) -> set[str]:
            page = selectors.inbox_page(agent, selectors.InboxFilters(**filters))  # type: ignore[arg-type]
            return {c.reference for c in page.conversations}

        assert refs(view="mine") == {mine.reference}
        assert refs(view="unassigned") == {unassigned.reference}
        assert refs(status="pending") == {unassigned.reference}
        assert refs(intent="fees") == {mine.reference}
        assert refs(priority="urgent") == {unassigned.reference}
        assert refs(channel="email") == set()

    def test_paging_without_counting(
        self, agent: Agent, conversation_factory: Callable[..., Conversation]
    ) -> None:
        for _ in range(selectors.PAGE_SIZE + 1):
            conversation_factory()
        first = selectors.inbox_page(agent, selectors.InboxFilters(), 1)
        second = selectors.inbox_page(agent, selectors.InboxFilters(), 2)
        assert (len(first.conversations), first.has_next, first.has_previous) == (25, True, False)
        assert (len(second.conversations), second.has_next) == (1, False)

    def test_query_count_does_not_grow_with_rows(
        self,
        agent: Agent,
        conversation_factory: Callable[..., Conversation],
        django_assert_max_num_queries: DjangoAssertNumQueries,
    ) -> None:
        for n in range(30):
            conversation = conversation_factory(assignee=agent if n % 2 else None)
            conversation.tags.create(name=f"t{n}")
        with django_assert_max_num_queries(2):
            page = selectors.inbox_page(agent, selectors.InboxFilters())
            rows = [
                (c.contact.name, c.assignee, [t.name for t in c.tags.all()])
                for c in page.conversations
            ]
        assert len(rows) == 25


@pytest.mark.django_db
def test_a_customer_only_reaches_their_own_conversation(
    conversation_factory: Callable[..., Conversation],
) -> None:
    own, other = conversation_factory(), conversation_factory()
    assert selectors.conversation_for_contact(own.contact, own.reference) == own
    with pytest.raises(NotFound):
        selectors.conversation_for_contact(own.contact, other.reference)


@pytest.mark.django_db
def test_the_customer_timeline_hides_notes(
    agent: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    conversation.messages.create(kind=MessageKind.NOTE, author_agent=agent, text="internal")
    assert len(selectors.timeline(conversation, include_notes=True)) == 2
    assert [m.kind for m in selectors.timeline(conversation, include_notes=False)] == ["inbound"]


@pytest.mark.django_db
def test_a_merged_conversations_number_leads_to_the_surviving_one(
    agent: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    target = conversation_factory()
    source = conversation_factory(contact=target.contact)
    actions.merge(source=source, target=target, actor=agent)
    assert selectors.conversation_for_contact(target.contact, source.reference) == target


def test_previews_skip_notes_and_squeeze_whitespace(
    agent, conversation_factory, django_assert_num_queries
):
    first = conversation_factory(text="  充值   没到账\n\n请查一下  ")
    second = conversation_factory(text="x" * 500)
    Message.objects.filter(conversation=second).delete()
    actions.add_note(conversation=second, agent=agent, text="internal only")
    with django_assert_num_queries(1):
        found = selectors.previews([first, second])
    assert found == {first.pk: "充值 没到账 请查一下", second.pk: ""}
    with django_assert_num_queries(0):
        assert selectors.previews([]) == {}


def test_previews_are_cut_short(conversation_factory):
    conversation = conversation_factory(text="字" * 1000)
    assert len(selectors.previews([conversation])[conversation.pk]) == selectors.PREVIEW_CHARS


def test_unknown_attachment_is_not_found(agent):
    with pytest.raises(NotFound):
        selectors.attachment_for_agent(agent, 424242)


def test_notes_do_not_count_as_first_words(agent, conversation_factory):
    conversation = conversation_factory(text="真正的问题")
    note = actions.add_note(conversation=conversation, agent=agent, text="note")
    Message.objects.filter(pk=note.pk).update(created_at="2000-01-01T00:00:00Z")
    assert selectors.previews([conversation])[conversation.pk] == "真正的问题"
    assert note.kind == MessageKind.NOTE
