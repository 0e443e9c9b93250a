"""The index follows the actions: every stored message, note, merge and contact change."""

import pytest

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations import actions
from kefu.conversations.models import Conversation, SearchDocument
from kefu.conversations.search import indexing
from kefu.conversations.search.query import search_queryset
from kefu.conversations.selectors import InboxFilters
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.actions import open_chat
from kefu.inboxes.webchat.identity import Visitor
from tests.conversations.search.conftest import Receive

pytestmark = pytest.mark.django_db


def found(agent: Agent, query: str) -> set[int]:
    return set(search_queryset(agent, InboxFilters(), query).values_list("pk", flat=True))


def test_a_new_conversation_is_indexed_with_its_subject_message_and_contact(
    receive: Receive,
) -> None:
    conversation = receive("我的提现还没到账", subject="Withdrawal pending", contact_name="张伟")
    document = SearchDocument.objects.get(conversation=conversation)
    assert "提现" in document.terms.split()
    assert "pend" in document.terms.split()  # stemmed English
    assert {"张伟", "zhang", "wei", "exampl", "com"} <= set(document.contact_terms.split())


def test_replies_and_notes_are_added_to_the_document(receive: Receive, agent: Agent) -> None:
    conversation = receive("hello")
    actions.send_reply(conversation=conversation, agent=agent, text="请提供交易哈希")
    actions.add_note(conversation=conversation, agent=agent, text="escalated to treasury")
    assert found(agent, "交易哈希") == {conversation.pk}
    assert found(agent, "treasury") == {conversation.pk}


def test_a_word_too_long_for_an_index_is_left_out_and_the_rest_found(
    receive: Receive, agent: Agent
) -> None:
    # PostgreSQL refuses a lexeme over 2047 bytes, and with it the whole reply: a pasted
    # blob (a log line, base64) must not make a message impossible to store.
    blob = "QmFzZTY0" * 1200
    conversation = receive(f"日志如下 {blob}")
    actions.send_reply(conversation=conversation, agent=agent, text=f"收到 treasury {blob}")
    terms = SearchDocument.objects.get(conversation=conversation).terms.split()
    assert all(len(term.encode()) <= 2047 for term in terms)
    assert found(agent, "treasury") == {conversation.pk}


def test_a_later_customer_message_is_found(receive: Receive, agent: Agent) -> None:
    conversation = receive("first")
    receive("充值没到账 TRC20", conversation=conversation)
    assert found(agent, "trc20") == {conversation.pk}


def test_a_secret_is_indexed_only_as_redacted(receive: Receive, agent: Agent) -> None:
    phrase = (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "abandon about"
    )
    conversation = receive(f"my seed phrase is {phrase}")
    document = SearchDocument.objects.get(conversation=conversation)
    assert "abandon" not in document.terms
    assert found(agent, "abandon") == set()


def test_merged_duplicate_words_move_to_the_target(receive: Receive, agent: Agent) -> None:
    target = receive("account locked")
    source = receive("unlock fee question", who="other@example.com")
    source.contact = target.contact
    source.save(update_fields=["contact"])
    actions.merge(source=source, target=target, actor=agent)
    assert found(agent, "unlock fee") == {target.pk}
    assert not SearchDocument.objects.filter(conversation=source).exists()


def test_an_email_given_in_chat_finds_the_chat(inbox: Inbox, receive: Receive, agent) -> None:
    conversation = receive("hi", identity_kind=IdentityKind.WEBCHAT, who="visitor-token-1")
    message = conversation.messages.get()
    visitor = Visitor(inbox.pk, "visitor-token-1")
    open_chat(message=message, visitor=visitor, email="li.na@example.com")
    assert found(agent, "li.na@example.com") == {conversation.pk}
    conversation.contact.refresh_from_db()
    assert conversation.contact.display_name == "li.na@example.com"
    # The visitor token is nobody's search word.
    assert "visitor" not in SearchDocument.objects.get(conversation=conversation).contact_terms


def test_a_phone_number_is_found_by_its_digits(receive: Receive, agent: Agent) -> None:
    conversation = receive("call me back")
    ContactIdentity.objects.create(
        contact=conversation.contact, kind=IdentityKind.PHONE, value="+86 138-0013-8000"
    )
    indexing.refresh_contact(conversation.contact)
    assert found(agent, "8613800138000") == {conversation.pk}
    assert found(agent, "86138") == {conversation.pk}  # the start of it


def test_rebuild_indexes_conversations_made_before_the_index(
    conversation_factory, agent: Agent
) -> None:
    old: Conversation = conversation_factory(text="旧的工单：提现失败", subject="老问题")
    assert found(agent, "提现失败") == set()
    steps: list[int] = []
    assert indexing.rebuild(progress=steps.append) == 1
    assert steps == [1]
    assert found(agent, "提现失败") == {old.pk}
    assert found(agent, "老问题") == {old.pk}
