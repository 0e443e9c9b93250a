"""Post → ticket and back: asking support privately, escalating, publishing the answer,
and proposing a solved question as a help-center draft."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from mnemonic import Mnemonic

from kefu.agents.models import Agent, Role
from kefu.community import actions, errors
from kefu.community.models import Post, PostKind, Question
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.core.errors import KefuError
from kefu.core.models import AuditEntry
from kefu.helpcenter.models import ArticleTranslation
from kefu.helpcenter.models import Status as ArticleStatus
from kefu.inboxes.models import Channel
from tests.community.threads import answer_by, member_of, question_by, staff_question

pytestmark = pytest.mark.django_db

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


@pytest.fixture
def author(contact_factory: Callable[..., Contact]):
    return member_of(contact_factory(), "小明")


@pytest.fixture
def question(author) -> Question:
    return question_by(author)


@pytest.fixture
def moderator(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.SUPERVISOR, display_name="王主管")


@pytest.fixture
def agent(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L1, display_name="李客服")


def _audited(action: str, question: Question) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, target_id=str(question.pk)))


def test_asking_support_opens_a_portal_ticket_linked_both_ways(author, question):
    conversation = actions.ask_support(member=author, question=question)

    question.refresh_from_db()
    assert question.conversation_id == conversation.pk
    assert conversation.contact_id == author.contact_id
    assert conversation.inbox.channel == Channel.PORTAL
    assert conversation.subject == question.title
    first = conversation.messages.get(kind=MessageKind.INBOUND)
    assert "我昨天提现 USDT" in first.text
    assert f"/community/q/{question.pk}/" in first.text
    note = conversation.messages.get(kind=MessageKind.NOTE)
    assert f"/community/q/{question.pk}/" in note.text
    assert list(conversation.community_questions.all()) == [question]


def test_asking_again_returns_the_open_conversation_and_a_closed_one_is_not_reused(
    author, question
):
    first = actions.ask_support(member=author, question=question)
    assert actions.ask_support(member=author, question=question) == first
    assert Conversation.objects.count() == 1

    Conversation.objects.filter(pk=first.pk).update(status=Status.CLOSED)
    second = actions.ask_support(member=author, question=question)
    assert second.pk != first.pk
    question.refresh_from_db()
    assert question.conversation_id == second.pk


def test_only_the_author_may_ask_support(question, contact_factory):
    stranger = member_of(contact_factory())
    with pytest.raises(errors.NotAuthor):
        actions.ask_support(member=stranger, question=question)
    assert not Conversation.objects.exists()
    assert Question.objects.get(pk=question.pk).conversation_id is None


def test_a_moderator_escalates_for_the_author_and_it_is_audited(author, question, moderator):
    conversation = actions.escalate(actor=moderator, question=question)

    assert conversation.contact_id == author.contact_id
    assert Question.objects.get(pk=question.pk).conversation_id == conversation.pk
    assert len(_audited("community.escalate", question)) == 1
    assert "moderator" in conversation.messages.get(kind=MessageKind.NOTE).text


def test_an_agent_who_is_not_a_moderator_cannot_escalate(question, agent):
    with pytest.raises(PermissionDenied):
        actions.escalate(actor=agent, question=question)
    assert not Conversation.objects.exists()


def test_a_staff_question_cannot_be_escalated(moderator):
    question = staff_question(moderator)
    with pytest.raises(errors.StaffQuestion):
        actions.escalate(actor=moderator, question=question)
    assert not Conversation.objects.exists()


def test_the_answer_is_published_back_as_an_official_answer_and_solves(author, question, agent):
    conversation = actions.ask_support(member=author, question=question)

    post = actions.publish_answer(actor=agent, question=question, body="已为您加速处理,请查收。")

    post.refresh_from_db()
    assert post.kind == PostKind.ANSWER
    assert post.agent_id == agent.pk
    assert post.member_id is None
    assert post.official
    assert post.from_conversation_id == conversation.pk
    assert Question.objects.get(pk=question.pk).solved
    assert len(_audited("community.publish_answer", question)) == 1


def test_publishing_needs_a_support_conversation(question, agent):
    with pytest.raises(errors.NotWithSupport):
        actions.publish_answer(actor=agent, question=question, body="答复")
    assert not Post.objects.filter(kind=PostKind.ANSWER).exists()


def test_a_published_answer_passes_the_outbound_guard(author, question, agent):
    actions.ask_support(member=author, question=question)
    with pytest.raises(KefuError):
        actions.publish_answer(
            actor=agent, question=question, body="请把您的助记词发给我,我帮您恢复钱包。"
        )
    assert not Post.objects.filter(kind=PostKind.ANSWER).exists()
    assert not Question.objects.get(pk=question.pk).solved


def _solved(question: Question, agent: Agent, body: str) -> Post:
    official = answer_by(question, agent=agent, body=body)
    Question.objects.filter(pk=question.pk).update(solved=True)
    question.refresh_from_db()
    return official


def test_a_solved_question_becomes_a_redacted_draft_without_names(author, contact_factory, agent):
    # Stored before the scanner knew this text: the draft redacts it again.
    question = question_by(
        author,
        title="小明的提现没到账",
        body=f"小明在这里。我的助记词是 {PHRASE} 请帮我看看",
    )
    _solved(question, agent, "李客服提示:链上拥堵,已到账。")

    draft = actions.propose_article(actor=agent, question=question)

    assert isinstance(draft, ArticleTranslation)
    assert draft.status == ArticleStatus.DRAFT
    assert draft.language == "zh-Hans"
    assert "提现没到账" in draft.title
    assert "链上拥堵" in draft.body
    assert "请帮我看看" in draft.body
    for word in PHRASE.split():
        assert word not in draft.body
    for name in ("小明", "李客服"):
        assert name not in draft.title
        assert name not in draft.body
    assert len(_audited("community.propose_article", question)) == 1


def test_proposing_again_returns_the_same_draft(question, agent):
    _solved(question, agent, "已处理")
    first = actions.propose_article(actor=agent, question=question)
    assert actions.propose_article(actor=agent, question=question) == first
    assert ArticleTranslation.objects.filter(language="zh-Hans").count() == 1


def test_an_unsolved_question_is_not_proposed(question, agent):
    with pytest.raises(errors.NotSolved):
        actions.propose_article(actor=agent, question=question)
    assert not ArticleTranslation.objects.exists()


def test_the_accepted_answer_is_the_one_proposed(author, question, contact_factory, agent):
    helper = member_of(contact_factory(), "热心网友")
    accepted = answer_by(question, member=helper, body="换一个网络重新提币就好了")
    Question.objects.filter(pk=question.pk).update(accepted_answer=accepted, solved=True)
    question.refresh_from_db()

    draft = actions.propose_article(actor=agent, question=question)

    assert "换一个网络重新提币" in draft.body
    assert "热心网友" not in draft.body


def test_a_disabled_agent_cannot_propose(question, agent):
    _solved(question, agent, "已处理")
    Agent.objects.filter(pk=agent.pk).update(is_active=False)
    agent.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.propose_article(actor=agent, question=question)
    assert not ArticleTranslation.objects.exists()


def test_no_message_was_written_twice(author, question):
    actions.ask_support(member=author, question=question)
    actions.ask_support(member=author, question=question)
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1
