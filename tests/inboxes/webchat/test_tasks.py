import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from kefu.agents.models import Agent
from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import DeliveryStatus, Message
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.actions import open_chat
from kefu.inboxes.webchat.identity import Visitor
from kefu.inboxes.webchat.models import EmailCheck
from kefu.inboxes.webchat.tasks import send_email_code, send_transcript


def live_chat(inbox: Inbox, text: str = "我的提现没到账") -> Message:
    visitor = Visitor(inbox_id=inbox.pk, visitor_id="v-1")
    kind, value = visitor.identity
    message = actions.receive_message(
        InboundMessage(inbox=inbox, text=text, identity_kind=kind, identity_value=value)
    )
    open_chat(message=message, visitor=visitor, email="chat@example.com")
    return message


def test_a_live_chat_reply_is_confirmed_without_an_email(
    chat_inbox: Inbox,
    agent: Agent,
    run_tasks: Callable[[], None],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    conversation = live_chat(chat_inbox).conversation
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.send_reply(conversation=conversation, agent=agent, text="正在查询")
    run_tasks()
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT
    assert mail.outbox == []


def test_an_offered_email_is_kept_unverified_but_never_takes_over_someone_elses(
    chat_inbox: Inbox, contact_factory: Callable[..., Any]
) -> None:
    owner = contact_factory(email="taken@example.com")
    visitor = Visitor(inbox_id=chat_inbox.pk, visitor_id="v-2")
    kind, value = visitor.identity
    message = actions.receive_message(
        InboundMessage(inbox=chat_inbox, text="hi", identity_kind=kind, identity_value=value)
    )
    open_chat(message=message, visitor=visitor, email="taken@example.com")
    contact = message.conversation.contact
    assert contact.pk != owner.pk
    assert not contact.identities.filter(kind=IdentityKind.EMAIL).exists()
    first = live_chat(chat_inbox)
    identity = first.conversation.contact.identities.get(kind=IdentityKind.EMAIL)
    assert (identity.value, identity.verified) == ("chat@example.com", False)


def test_the_transcript_lists_the_chat_with_agent_ids_and_the_anti_phishing_code(
    chat_inbox: Inbox, agent: Agent, settings: Any
) -> None:
    settings.SITE_URL = "https://help.example.com"
    conversation = live_chat(chat_inbox).conversation
    conversation.contact.anti_phishing_code = "BLUE-42"
    conversation.contact.save()
    actions.add_note(conversation=conversation, agent=agent, text="internal only")
    actions.send_reply(conversation=conversation, agent=agent, text="预计 48 小时内到账")
    send_transcript.call(conversation.pk, "chat@example.com")
    [sent] = mail.outbox
    assert sent.to == ["chat@example.com"]
    assert conversation.reference in sent.subject
    assert "BLUE-42" in sent.body
    assert "我的提现没到账" in sent.body
    assert "预计 48 小时内到账" in sent.body
    assert agent.public_id in sent.body
    assert "internal only" not in sent.body
    # Where to check those ids, on the public address.
    assert (
        "核实客服工号、电话号码、邮箱地址或链接是否为官方所有：https://help.example.com/portal/verify/"
        in sent.body
    )


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("zh-Hans", "您的聊天记录验证码", "请在聊天窗口中输入以下验证码"),
        ("zh-Hant", "您的聊天記錄驗證碼", "請在聊天視窗中輸入以下驗證碼"),
        ("en", "Your code for the chat transcript", "If it was you, enter this code in the chat"),
    ],
)
def test_the_code_mail_holds_our_words_the_code_and_the_owners_anti_phishing_code(
    chat_inbox: Inbox,
    contact_factory: Callable[..., Contact],
    language: str,
    subject: str,
    sentence: str,
) -> None:
    owner = contact_factory(email="owner@example.com")
    owner.anti_phishing_code = "BLUE-42"
    owner.save()
    send_email_code.call(chat_inbox.pk, "v-1", "owner@example.com", language)
    [sent] = mail.outbox
    assert sent.to == ["owner@example.com"]
    assert sent.subject == subject
    assert sentence in sent.body
    assert "BLUE-42" in sent.body
    code = re.search(r"^\s+(\d{6})\s*$", str(sent.body), re.MULTILINE)
    assert code is not None
    check = EmailCheck.objects.get()
    # Only a hash is kept: whoever reads the database cannot use the code.
    assert code.group(1) not in check.code_hash
    assert (check.visitor, check.email, check.verified_at) == ("v-1", "owner@example.com", None)


def test_a_new_code_replaces_the_unused_one(chat_inbox: Inbox) -> None:
    send_email_code.call(chat_inbox.pk, "v-1", "owner@example.com", "en")
    send_email_code.call(chat_inbox.pk, "v-1", "owner@example.com", "en")
    assert EmailCheck.objects.count() == 1


def test_a_transcript_carries_the_recipients_own_anti_phishing_code(
    chat_inbox: Inbox, contact_factory: Callable[..., Contact]
) -> None:
    owner = contact_factory(email="owner@example.com")
    owner.anti_phishing_code = "GREEN-7"
    owner.save()
    conversation = live_chat(chat_inbox).conversation
    send_transcript.call(conversation.pk, "owner@example.com")
    [sent] = mail.outbox
    assert "GREEN-7" in sent.body
