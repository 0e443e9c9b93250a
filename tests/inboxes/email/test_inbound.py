"""Email through receive_message: threading, de-duplication, acknowledgements, loops, bounces."""

import codecs
from collections.abc import Callable
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from django.core.cache import cache
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations.models import (
    Conversation,
    DeliveryStatus,
    Message,
    MessageKind,
    Status,
)
from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.email.receiver import store_raw
from kefu.safety.markers import MARKERS
from kefu.safety.models import SafetyAlert
from tests.inboxes.email.conftest import corpus, mail_with_files
from tests.inboxes.email.test_parsing import MAIL_WITH_NULS
from tests.safety.secret_files import (
    KEYSTORE,
    PHRASE_EN,
    PHRASE_ZH_HANS,
    PHRASE_ZH_HANT,
    WIF,
)

pytestmark = pytest.mark.django_db

Build = Callable[..., bytes]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def acknowledgements(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(kind=MessageKind.OUTBOUND, author_agent=None))


def test_a_new_email_opens_a_ticket_and_is_acknowledged(mailbox: Mailbox) -> None:
    message = store_raw(mailbox, corpus("02_gb2312.eml"))
    conversation = message.conversation
    assert conversation.subject == "提现不到账"
    assert conversation.channel == "email"
    assert conversation.contact.identities.get().value == "zhangsan@163.com"
    assert conversation.contact.name == "张三"
    assert message.external_id == "20240503151233.1a2b@163.com"
    (ack,) = acknowledgements(conversation)
    assert conversation.reference in ack.text
    assert "24" in ack.text
    assert ack.delivery_status == DeliveryStatus.QUEUED


def test_the_quoted_history_is_stored_as_the_original_not_as_the_text(mailbox: Mailbox) -> None:
    message = store_raw(mailbox, corpus("23_qq_mail_zh.eml"))
    assert message.text == "卖家一直不放币，聊天记录截图已经发了。"
    assert "原始邮件" in message.original
    assert "From: 小王 <12345678@qq.com>" in message.original


def test_the_same_delivery_twice_is_stored_once(mailbox: Mailbox) -> None:
    first = store_raw(mailbox, corpus("01_plain_english.eml"))
    second = store_raw(mailbox, corpus("01_plain_english.eml"))
    assert first.pk == second.pk
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1


def test_a_message_without_message_id_is_still_stored_once(mailbox: Mailbox) -> None:
    first = store_raw(mailbox, corpus("41_malformed_multipart.eml"))
    second = store_raw(mailbox, corpus("41_malformed_multipart.eml"))
    assert first.pk == second.pk
    assert first.external_id.endswith("@kefu.invalid")


# --- threading -------------------------------------------------------------------------


def _our_reply(conversation: Conversation, external_id: str) -> Message:
    agent = Agent.objects.create_user(username=f"agent-{external_id}", display_name="Agent")
    return Message.objects.create(
        conversation=conversation,
        kind=MessageKind.OUTBOUND,
        author_agent=agent,
        text="Please send the transaction id.",
        external_id=external_id,
        delivery_status=DeliveryStatus.SENT,
    )


def test_in_reply_to_threads_into_the_conversation(mailbox: Mailbox, email_from: Build) -> None:
    opened = store_raw(mailbox, email_from("amy@example.com", "My deposit is missing")).conversation
    _our_reply(opened, "kefu.1.abc@kefu.example")
    reply = store_raw(
        mailbox,
        email_from(
            "amy@example.com",
            "tx 0xabc",
            subject="Re: Help",
            In_Reply_To="<kefu.1.abc@kefu.example>",
        ),
    )
    assert reply.conversation == opened
    assert len(acknowledgements(opened)) == 1  # a reply is not acknowledged again


def test_references_thread_when_in_reply_to_is_unknown(mailbox: Mailbox, email_from: Build) -> None:
    opened = store_raw(mailbox, email_from("amy@example.com", "Deposit missing")).conversation
    _our_reply(opened, "kefu.2.abc@kefu.example")
    reply = store_raw(
        mailbox,
        email_from(
            "amy@example.com",
            "any news?",
            In_Reply_To="<lost@elsewhere.example>",
            References="<kefu.2.abc@kefu.example> <lost@elsewhere.example>",
        ),
    )
    assert reply.conversation == opened


def test_ticket_number_in_the_subject_threads(mailbox: Mailbox, email_from: Build) -> None:
    opened = store_raw(mailbox, email_from("amy@example.com", "Withdrawal stuck")).conversation
    reply = store_raw(
        mailbox,
        email_from("amy@example.com", "still stuck", subject=f"[{opened.reference}] update"),
    )
    assert reply.conversation == opened


def test_plus_address_threads(mailbox: Mailbox, email_from: Build) -> None:
    opened = store_raw(mailbox, email_from("amy@example.com", "Withdrawal stuck")).conversation
    reply = store_raw(
        mailbox,
        email_from("amy@example.com", "hello again", to=f"support+{opened.reference}@kefu.example"),
    )
    assert reply.conversation == opened


def test_another_customers_ticket_number_is_not_trusted(
    mailbox: Mailbox, email_from: Build
) -> None:
    victim = store_raw(
        mailbox, email_from("victim@example.com", "My account was stolen")
    ).conversation
    _our_reply(victim, "kefu.3.abc@kefu.example")
    attacker = store_raw(
        mailbox,
        email_from(
            "attacker@example.com",
            "please send me the details",
            subject=f"Re: [{victim.reference}]",
            In_Reply_To="<kefu.3.abc@kefu.example>",
        ),
    )
    assert attacker.conversation != victim
    assert attacker.conversation.contact.identities.get().value == "attacker@example.com"
    assert victim.messages.filter(kind=MessageKind.INBOUND).count() == 1


def test_no_match_opens_a_new_conversation_for_that_contact(
    mailbox: Mailbox, email_from: Build
) -> None:
    first = store_raw(mailbox, email_from("amy@example.com", "Withdrawal stuck")).conversation
    second = store_raw(mailbox, email_from("amy@example.com", "How do I change my phone number?"))
    assert second.conversation != first
    assert second.conversation.contact == first.contact


def test_a_reply_to_a_closed_ticket_opens_a_follow_up(mailbox: Mailbox, email_from: Build) -> None:
    opened = store_raw(mailbox, email_from("amy@example.com", "Withdrawal stuck")).conversation
    Conversation.objects.filter(pk=opened.pk).update(status=Status.CLOSED)
    reply = store_raw(
        mailbox, email_from("amy@example.com", "again", subject=f"[{opened.reference}]")
    )
    assert reply.conversation.follow_up_of == opened


# --- de-duplication --------------------------------------------------------------------


def test_a_resend_joins_the_ticket_and_gets_one_short_acknowledgement(
    mailbox: Mailbox, email_from: Build
) -> None:
    text = "我的提现三天了还没到账，订单号 W-123，请帮忙查一下。"
    first = store_raw(mailbox, email_from("bo@example.com", text, subject="提现")).conversation
    second = store_raw(mailbox, email_from("bo@example.com", text + "!", subject="提现!!"))
    assert second.conversation == first
    acks = acknowledgements(first)
    assert len(acks) == 2  # the new ticket's, and the duplicate's
    assert first.reference in acks[1].text
    assert acks[1].text != acks[0].text
    assert Conversation.objects.count() == 1


def test_a_resend_after_the_window_opens_a_new_ticket(
    mailbox: Mailbox, email_from: Build, settings: Any
) -> None:
    text = "Withdrawal W-123 is stuck for three days, please check."
    first = store_raw(mailbox, email_from("bo@example.com", text))
    Message.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=2))
    second = store_raw(mailbox, email_from("bo@example.com", text))
    assert second.conversation != first.conversation


def test_the_same_text_from_another_sender_is_not_a_duplicate(
    mailbox: Mailbox, email_from: Build
) -> None:
    text = "Withdrawal is stuck for three days, please check."
    first = store_raw(mailbox, email_from("bo@example.com", text))
    second = store_raw(mailbox, email_from("cy@example.com", text))
    assert second.conversation != first.conversation


# --- loops, rate limits, bounces -------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "31_auto_reply_en.eml",
        "32_auto_reply_qq.eml",
        "33_bulk_newsletter.eml",
        "34_exchange_oof.eml",
    ],
)
def test_machine_sent_mail_is_stored_but_never_answered(mailbox: Mailbox, name: str) -> None:
    message = store_raw(mailbox, corpus(name))
    assert message.kind == MessageKind.INBOUND
    assert acknowledgements(message.conversation) == []


def test_acknowledgements_per_sender_are_rate_limited(
    mailbox: Mailbox, email_from: Build, settings: Any
) -> None:
    settings.KEFU_EMAIL_ACKS_PER_HOUR = 2
    questions = ["Where is my deposit?", "How do I enable 2FA?", "What are the fees?", "Hello?"]
    for question in questions:
        store_raw(mailbox, email_from("burst@example.com", question))
    contact = Contact.objects.get(identities__value="burst@example.com")
    acks = Message.objects.filter(conversation__contact=contact, kind=MessageKind.OUTBOUND)
    assert Conversation.objects.filter(contact=contact).count() == 4
    assert acks.count() == 2


def test_a_bounce_marks_our_message_failed_and_tells_the_agent(
    mailbox: Mailbox, email_from: Build
) -> None:
    conversation = store_raw(mailbox, email_from("nobody@example.org", "hi")).conversation
    sent = _our_reply(conversation, "kefu.210.1714716000@kefu.example")
    note = store_raw(mailbox, corpus("35_dsn_postfix.eml"))
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.FAILED
    assert "User unknown" in sent.delivery_error
    assert note.kind == MessageKind.SYSTEM
    assert note.conversation == conversation
    assert "User unknown" in note.text
    assert len(acknowledgements(conversation)) == 1  # the ticket's own; none for the bounce


def test_the_same_bounce_twice_is_recorded_once(mailbox: Mailbox, email_from: Build) -> None:
    conversation = store_raw(mailbox, email_from("nobody@example.org", "hi")).conversation
    _our_reply(conversation, "kefu.210.1714716000@kefu.example")
    first = store_raw(mailbox, corpus("35_dsn_postfix.eml"))
    second = store_raw(mailbox, corpus("35_dsn_postfix.eml"))
    assert first.pk == second.pk
    assert conversation.messages.filter(kind=MessageKind.SYSTEM).count() == 1


def test_a_delayed_delivery_notice_does_not_fail_the_message(
    mailbox: Mailbox, email_from: Build
) -> None:
    conversation = store_raw(mailbox, email_from("slow@example.org", "hi")).conversation
    sent = _our_reply(conversation, "kefu.213.1714716300@kefu.example")
    store_raw(mailbox, corpus("38_dsn_delayed.eml"))
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.SENT


def test_a_bounce_for_mail_we_did_not_send_is_kept_as_a_message_without_answer(
    mailbox: Mailbox,
) -> None:
    message = store_raw(mailbox, corpus("36_dsn_rfc822.eml"))
    assert message.kind == MessageKind.INBOUND
    assert acknowledgements(message.conversation) == []


# --- limits and bad input --------------------------------------------------------------


def test_a_refused_attachment_is_noted_and_the_rest_is_kept(mailbox: Mailbox) -> None:
    message = store_raw(mailbox, corpus("40_disallowed_attachment.eml"))
    assert [a.filename for a in message.attachments.all()] == ["screen.png"]
    assert "wallet-fix.exe" in message.text
    assert "I attached the program" in message.text


def test_an_attachment_over_the_size_limit_is_noted(mailbox: Mailbox, settings: Any) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 20
    message = store_raw(mailbox, corpus("13_mixed_pdf_rfc2231.eml"))
    assert message.attachments.count() == 0
    assert "银行流水.pdf" in message.text


def test_a_huge_body_is_cut_with_a_note_and_the_original_kept(mailbox: Mailbox) -> None:
    message = store_raw(mailbox, corpus("39_huge_body.eml"))
    assert len(message.text) <= 20_000
    assert "19500" in message.text  # the note says where it was cut (in the active language)
    assert len(message.original) > len(message.text)


def test_a_subject_only_mail_becomes_a_ticket(mailbox: Mailbox) -> None:
    message = store_raw(mailbox, corpus("47_subject_only.eml"))
    assert message.text == "提现没到账 K-000999"


def test_html_is_sanitized(mailbox: Mailbox) -> None:
    message = store_raw(mailbox, corpus("11_alternative.eml"))
    assert "<b>not</b>" in message.html
    assert "<script" not in message.html


def test_query_count_of_a_new_email_ticket_is_pinned(
    mailbox: Mailbox, email_from: Build, django_assert_num_queries: Any
) -> None:
    store_raw(mailbox, email_from("warm@example.com", "warm-up so content types are cached"))
    raw = email_from("new@example.com", "My withdrawal has been pending for a day.")
    # Triage reads it as withdrawal_delayed, and the payments team is looked up for it;
    # the acknowledgement's delivery job is written in the same transaction; the search
    # document is written with the contact's identities (conversations/search/); the
    # SLA policies are read and the business calendar checked, the clocks, their events
    # and the conversation's next deadline written (kefu.sla.clock).
    with django_assert_num_queries(20):
        store_raw(mailbox, raw)


def test_query_count_of_a_threaded_reply_is_pinned(
    mailbox: Mailbox, email_from: Build, django_assert_num_queries: Any
) -> None:
    opened = store_raw(mailbox, email_from("amy@example.com", "Deposit missing")).conversation
    _our_reply(opened, "kefu.9.abc@kefu.example")
    raw = email_from("amy@example.com", "tx 0xabc", In_Reply_To="<kefu.9.abc@kefu.example>")
    # One of them numbers the message in its conversation (conversations/sequence.py),
    # one adds its words to the conversation's search document. The SLA clocks cost none:
    # the first response is still owed (the conversation's sla_due_target says so). The
    # conversation it answers comes with the Message-ID lookup, not in a query of its own.
    with django_assert_num_queries(9):
        store_raw(mailbox, raw)


def test_agents_can_open_the_original_in_the_console(mailbox: Mailbox, agent_client: Any) -> None:
    message = store_raw(mailbox, corpus("23_qq_mail_zh.eml"))
    page = agent_client.get(f"/console/c/{message.conversation.reference}/").content.decode()
    assert "msg-original" in page
    assert "请提供聊天记录。" in page  # the quoted history, only inside the original


# --- secrets in attachments and ids ------------------------------------------------------


class TextAttachment(NamedTuple):
    name: str
    mime: str
    charset: str  # as declared, or ""
    codec: str
    bom: bytes
    text: str
    secret: str
    kind: str
    language: str  # of the marker

    def content(self) -> bytes:
        return self.bom + self.text.encode(self.codec)


# Every text file kind, in the encodings Chinese and Western mail clients write, with
# Windows line breaks, labelled or not.
TEXT_ATTACHMENTS = [
    TextAttachment(
        "日志.txt", "text/plain", "gb2312", "gb18030", b"",
        f"日志\r\n助记词：{PHRASE_ZH_HANS}\r\n", PHRASE_ZH_HANS, "recovery_phrase", "zh-Hans",
    ),
    TextAttachment(
        "記錄.csv", "text/csv", "big5", "big5hkscs", b"",
        f"日期,備註\r\n5/1,助記詞：{PHRASE_ZH_HANT}\r\n", PHRASE_ZH_HANT, "recovery_phrase",
        "zh-Hant",
    ),
    TextAttachment(
        "wallet.json", "application/octet-stream", "", "utf-16-le", codecs.BOM_UTF16_LE,
        KEYSTORE.replace("\n", "\r\n"), '"ciphertext": "21e1a1620857d8de', "keystore", "en",
    ),
    TextAttachment(
        "notes.md", "text/markdown", "utf-8", "utf-8", codecs.BOM_UTF8,
        "# Login\r\n\r\npassword: Hunter2-Secret!\r\n", "Hunter2-Secret!", "password", "en",
    ),
    TextAttachment(
        "app.log", "application/octet-stream", "", "utf-8", b"",
        f"INFO start\r\nDEBUG import key {WIF}\r\n", WIF, "private_key", "en",
    ),
    TextAttachment(
        "seed.TXT", "text/plain", "", "big5hkscs", b"",
        f"助記詞 {PHRASE_ZH_HANT}\r\n", PHRASE_ZH_HANT, "recovery_phrase", "zh-Hant",
    ),
]  # fmt: skip


def test_text_attachments_keep_their_encoding_and_lose_their_secrets(mailbox: Mailbox) -> None:
    files = [(file.name, file.mime, file.charset, file.content()) for file in TEXT_ATTACHMENTS]
    message = store_raw(mailbox, mail_with_files(files))
    stored = {attachment.filename: attachment for attachment in message.attachments.all()}
    assert len(stored) == len(TEXT_ATTACHMENTS)
    for file in TEXT_ATTACHMENTS:
        content = stored[file.name].file.read()
        assert content.startswith(file.bom), file.name
        written = content[len(file.bom) :].decode(file.codec)
        assert file.secret not in written, file.name
        marker = MARKERS[file.kind][file.language]  # type: ignore[index]
        whole = file.kind == "keystore"  # the whole file is the secret
        assert written == (marker if whole else file.text.replace(file.secret, marker)), file.name
    conversation = message.conversation
    assert conversation.secret_exposed
    kinds = {file.kind for file in TEXT_ATTACHMENTS}
    assert set(SafetyAlert.objects.get(conversation=conversation).reasons) == kinds


def test_an_unreadable_text_attachment_is_noted_and_the_rest_kept(mailbox: Mailbox) -> None:
    garbled = bytes(range(0x80, 0x100)) * 8
    message = store_raw(mailbox, mail_with_files([("dump.txt", "text/plain", "", garbled)]))
    assert message.attachments.count() == 0
    assert "dump.txt" in message.text
    assert "The files from my wallet app are attached." in message.text


def test_a_message_id_holding_a_key_is_stored_hashed_and_still_matches(
    mailbox: Mailbox, email_from: Build
) -> None:
    secret_id = f"<{WIF}@mail.example>"
    first = store_raw(mailbox, email_from("li.lei@example.com", "help", message_id=secret_id))
    again = store_raw(mailbox, email_from("li.lei@example.com", "help", message_id=secret_id))
    assert again.pk == first.pk
    assert WIF[:40] not in first.external_id
    follow_up = store_raw(
        mailbox,
        email_from("li.lei@example.com", "any news?", subject="Re: help", In_Reply_To=secret_id),
    )
    assert follow_up.conversation == first.conversation


@pytest.mark.parametrize("phrase", [PHRASE_EN, PHRASE_ZH_HANS])
def test_a_long_body_is_never_cut_inside_a_secret(
    mailbox: Mailbox, email_from: Build, settings: Any, phrase: str
) -> None:
    settings.KEFU_MAX_MESSAGE_CHARS = 1_000
    limit = settings.KEFU_MAX_MESSAGE_CHARS - 500
    lead = "seed phrase: " if phrase == PHRASE_EN else "助记词："
    # The phrase starts 40 characters before the cut: eleven words would survive it.
    filler = "x" * (limit - 40 - len(lead)) + lead
    message = store_raw(mailbox, email_from("li.lei@example.com", filler + phrase + " thanks"))
    words = phrase.split()
    assert " ".join(words[:3]) not in message.text
    assert "".join(words[:3]) not in message.text
    assert phrase not in message.original
    assert message.conversation.secret_exposed  # the original still showed the whole phrase


def test_a_mail_with_null_characters_is_stored_without_them(mailbox: Mailbox) -> None:
    """Mail is never refused for U+0000 (PostgreSQL cannot store it): it is dropped."""
    message = store_raw(mailbox, MAIL_WITH_NULS)
    message.refresh_from_db()
    assert message.text == "我的提现"
    assert message.conversation.subject == "提现没到账 rawtail"
    assert message.conversation.contact.name == "张三"
    assert message.external_id == "abcdef@163.com"
    assert [a.filename for a in message.attachments.all()] == ["log.txt"]
    assert "\x00" not in message.original
