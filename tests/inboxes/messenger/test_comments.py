"""A public comment that holds a secret: hidden through the Graph API, its author told
privately, nothing posted publicly, and the secret nowhere — not in a request to Meta,
a log line, a job's arguments or the database."""

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation, Message, MessageKind, Priority
from kefu.core.languages import in_language
from kefu.inboxes.messenger import comments
from kefu.inboxes.messenger.models import FacebookPage, HiddenComment
from kefu.safety.exposure import SAFETY_LINE
from kefu.safety.models import SafetyAlert
from kefu.safety.redaction import redact
from tests.inboxes.messenger.comments_fixtures import (
    CHINESE_PHRASE,
    COMMENT_ID,
    ENGLISH_PHRASE,
    PRIVATE_KEY,
    PSID,
    VISITOR_POST_ID,
    comment,
    expect_meta_to_agree,
    visitor_post,
)
from tests.inboxes.messenger.graph_server import PAGE_ID, PAGE_TOKEN, GraphServer, graph_error, path

MESSAGES = path(f"{PAGE_ID}/messages")


@pytest.fixture
def graph(graph_server: GraphServer) -> GraphServer:
    expect_meta_to_agree(graph_server)
    return graph_server


def _secret_absent(secret: str, text: str) -> bool:
    # A few words of a phrase may be ordinary words; a run of its words may not appear.
    return secret not in text and " ".join(secret.split()[:3]) not in text


def _bodies(graph: GraphServer) -> list[str]:
    return [request.body.decode() for request in graph.received]


def _handled(page: FacebookPage, value: dict[str, Any], run_tasks: Callable[[], None]) -> None:
    comments.handle(page, value)
    run_tasks()


@pytest.mark.parametrize(
    ("secret", "words", "language", "told"),
    [
        (ENGLISH_PHRASE, "Support asked me to confirm my wallet: {}", "en", "recovery phrase"),
        (CHINESE_PHRASE, "客服让我在这里发助记词验证：{}", "zh-Hans", "助记词"),
        (PRIVATE_KEY, "private key: {} please check my withdrawal", "en", "private key"),
        (CHINESE_PHRASE, "{}", "zh-Hans", "助记词"),
    ],
    ids=["english_phrase", "chinese_phrase", "private_key", "bare_phrase"],
)
def test_a_comment_with_a_secret_is_hidden_and_its_author_told_privately(
    page: FacebookPage,
    graph: GraphServer,
    run_tasks: Callable[[], None],
    caplog: pytest.LogCaptureFixture,
    secret: str,
    words: str,
    language: str,
    told: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    _handled(page, comment(words.format(secret)), run_tasks)

    hide, reply = graph.received
    # Hidden: POST /{comment-id} is_hidden=true with the page's token.
    assert (hide.method, hide.path) == ("POST", path(COMMENT_ID))
    assert hide.form == {"is_hidden": ["true"]}
    assert hide.headers["authorization"] == f"Bearer {PAGE_TOKEN}"
    # Told privately: the Private Replies form of the Send API, naming the comment.
    assert (reply.method, reply.path) == ("POST", MESSAGES)
    assert reply.headers["authorization"] == f"Bearer {PAGE_TOKEN}"
    sent = reply.json()
    assert isinstance(sent, dict)
    assert sent["recipient"] == {"comment_id": COMMENT_ID}
    text = sent["message"]["text"]
    assert told in text
    assert in_language(language, lambda: str(SAFETY_LINE)) in text
    assert text == comments.private_reply_text(
        frozenset(HiddenComment.objects.get().kinds), language
    )

    # The secret is in no request to Meta, in no log line, nowhere in the database's text.
    for body in _bodies(graph):
        assert _secret_absent(secret, body)
        assert not redact(body).found
    assert _secret_absent(secret, caplog.text)
    row = HiddenComment.objects.get()
    assert (row.outcome, row.language) == (HiddenComment.Outcome.HIDDEN, language)
    assert row.hidden_at is not None
    assert row.told_at is not None
    assert not row.told_error
    assert all(
        _secret_absent(secret, json.dumps(job.args_kwargs)) for job in DBTaskResult.objects.all()
    )


def test_agents_see_the_comment_redacted_with_an_alert(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    _handled(page, comment(f"is this right? {ENGLISH_PHRASE}"), run_tasks)

    conversation = Conversation.objects.get()
    assert conversation.inbox == page.inbox
    assert conversation.secret_exposed
    assert conversation.priority == Priority.URGENT
    first = conversation.messages.get(kind=MessageKind.INBOUND)
    assert first.text.startswith("is this right?")
    assert _secret_absent(ENGLISH_PHRASE, first.text)
    alert = SafetyAlert.objects.get(conversation=conversation)
    assert alert.kind == SafetyAlert.Kind.SECRET_EXPOSED
    assert alert.reasons == HiddenComment.objects.get().kinds
    notes = list(conversation.messages.filter(kind=MessageKind.NOTE).values_list("text", flat=True))
    assert any("hidden on Facebook" in note for note in notes), notes
    assert any("told privately" in note for note in notes), notes
    # The private reply was the warning: no second message queued for the author.
    assert not conversation.messages.filter(kind=MessageKind.OUTBOUND).exists()
    # Meta's answer named the author's PSID: their answer on Messenger reaches them.
    identity = ContactIdentity.objects.get(kind=IdentityKind.MESSENGER)
    assert (identity.value, identity.contact_id) == (PSID, conversation.contact_id)
    assert conversation.contact.name == "Lin Wei"


def test_nothing_is_posted_publicly(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    _handled(page, comment(ENGLISH_PHRASE), run_tasks)

    # Only the hide and the private reply: no comment reply (/{id}/comments), no post.
    assert [(r.method, r.path) for r in graph.received] == [
        ("POST", path(COMMENT_ID)),
        ("POST", MESSAGES),
    ]


def test_the_pages_own_comment_is_ignored(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    _handled(page, comment(ENGLISH_PHRASE, author_id=PAGE_ID), run_tasks)

    assert not graph.received
    assert not HiddenComment.objects.exists()


@pytest.mark.parametrize("verb", ["remove", "hide"])
def test_a_removal_or_a_hide_is_ignored(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None], verb: str
) -> None:
    _handled(page, comment(ENGLISH_PHRASE, verb=verb), run_tasks)

    assert not graph.received
    assert not HiddenComment.objects.exists()


def test_a_clean_comment_is_left_alone(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    _handled(page, comment("提现三天了还没到账，怎么回事？"), run_tasks)

    assert not graph.received
    assert not HiddenComment.objects.exists()
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


def test_a_replayed_or_edited_comment_is_hidden_and_told_once(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    value = comment(f"help {ENGLISH_PHRASE}")
    comments.handle(page, value)
    comments.handle(page, value)  # Meta's retry of the same webhook
    run_tasks()
    _handled(page, comment(f"help again {ENGLISH_PHRASE}", verb="edited"), run_tasks)

    assert len(graph.requests_to(path(COMMENT_ID))) == 1
    assert len(graph.requests_to(MESSAGES)) == 1
    assert HiddenComment.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert SafetyAlert.objects.count() == 1


def test_an_edit_that_adds_a_secret_is_hidden(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    _handled(page, comment("what do I do with this?"), run_tasks)
    _handled(page, comment(f"this: {CHINESE_PHRASE}", verb="edited"), run_tasks)

    assert HiddenComment.objects.get().outcome == HiddenComment.Outcome.HIDDEN
    assert len(graph.requests_to(MESSAGES)) == 1


def _make_due() -> None:
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_graph_down_is_retried_until_hidden_and_told(
    page: FacebookPage,
    graph: GraphServer,
    run_tasks: Callable[[], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    graph.replies[path(COMMENT_ID)] = []
    graph.reply(path(COMMENT_ID), 500, graph_error(2, "An unexpected error has occurred."))
    graph.reply(path(COMMENT_ID), 200, {"success": True})
    graph.replies[MESSAGES] = []
    graph.reply(MESSAGES, 503, b"Service Unavailable", content_type="text/plain")
    graph.reply(MESSAGES, 200, {"recipient_id": PSID, "message_id": "m_1"})

    _handled(page, comment(f"support asked: {ENGLISH_PHRASE}"), run_tasks)
    row = HiddenComment.objects.get()
    assert row.outcome == HiddenComment.Outcome.PENDING
    assert row.told_at is None

    _make_due()
    run_tasks()  # hidden now; the private reply meets the 503
    row.refresh_from_db()
    assert row.outcome == HiddenComment.Outcome.HIDDEN
    assert row.told_at is None

    _make_due()
    run_tasks()
    row.refresh_from_db()
    assert row.told_at is not None
    assert not row.told_error
    assert len(graph.requests_to(path(COMMENT_ID))) == 2  # one failure, one hide
    assert len(graph.requests_to(MESSAGES)) == 2  # one failure, one reply
    assert _secret_absent(ENGLISH_PHRASE, caplog.text)


def test_a_comment_that_cannot_be_hidden_is_deleted(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    graph.replies[path(COMMENT_ID)] = []
    graph.reply(path(COMMENT_ID), 400, graph_error(100, "Invalid parameter"))
    graph.reply(path(COMMENT_ID), 200, {"success": True})

    _handled(page, comment(f"is this safe? {ENGLISH_PHRASE}"), run_tasks)

    hide, delete = graph.requests_to(path(COMMENT_ID))
    assert (hide.method, delete.method) == ("POST", "DELETE")
    assert delete.headers["authorization"] == f"Bearer {PAGE_TOKEN}"
    row = HiddenComment.objects.get()
    assert row.outcome == HiddenComment.Outcome.DELETED
    assert row.told_at is not None
    notes = Message.objects.filter(kind=MessageKind.NOTE).values_list("text", flat=True)
    assert any("deleted" in note for note in notes)


def test_a_comment_that_can_be_neither_hidden_nor_deleted_is_left_to_a_person(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    graph.replies[path(COMMENT_ID)] = []
    graph.reply(path(COMMENT_ID), 403, graph_error(200, "Permissions error"))

    _handled(page, comment(f"is this safe? {ENGLISH_PHRASE}"), run_tasks)

    assert len(graph.requests_to(path(COMMENT_ID))) == 2
    row = HiddenComment.objects.get()
    assert row.outcome == HiddenComment.Outcome.FAILED
    assert row.hidden_at is None
    notes = Message.objects.filter(kind=MessageKind.NOTE).values_list("text", flat=True)
    assert any("by hand" in note for note in notes)
    assert SafetyAlert.objects.exists()


def test_a_refused_private_reply_is_recorded_and_not_retried(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    graph.replies[MESSAGES] = []
    graph.reply(
        MESSAGES,
        400,
        graph_error(10, "This message is sent outside of allowed window.", subcode=2018278),
    )

    _handled(page, comment(ENGLISH_PHRASE), run_tasks)
    _make_due()
    run_tasks()

    assert len(graph.requests_to(MESSAGES)) == 1
    row = HiddenComment.objects.get()
    assert row.told_at is not None
    assert row.told_error == "code 10/2018278"
    assert not ContactIdentity.objects.filter(kind=IdentityKind.MESSENGER).exists()


def test_a_visitor_post_with_a_secret_is_hidden_and_its_author_told(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    _handled(page, visitor_post(f"客服說要驗證錢包，這是我的助記詞：{CHINESE_PHRASE}"), run_tasks)

    hide, reply = graph.received
    assert (hide.method, hide.path, hide.form) == (
        "POST",
        path(VISITOR_POST_ID),
        {"is_hidden": ["true"]},
    )
    sent = reply.json()
    assert isinstance(sent, dict)
    assert sent["recipient"] == {"post_id": VISITOR_POST_ID}
    assert HiddenComment.objects.get().language == "zh-Hant"
    assert "助記詞" in sent["message"]["text"]


def test_the_same_author_keeps_one_contact(
    page: FacebookPage, graph: GraphServer, run_tasks: Callable[[], None]
) -> None:
    graph.reply(path("880011223344556_555"), 200, {"success": True})
    _handled(page, comment(ENGLISH_PHRASE), run_tasks)
    _handled(page, comment(CHINESE_PHRASE, comment_id="880011223344556_555"), run_tasks)

    first, second = HiddenComment.objects.order_by("pk")
    assert first.conversation is not None
    assert second.conversation is not None
    assert first.conversation.contact_id == second.conversation.contact_id


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_the_private_reply_is_translated(language: str) -> None:
    english = comments.private_reply_text(frozenset({"recovery_phrase"}), "en")
    for kinds in ({"recovery_phrase"}, {"password"}):
        text = comments.private_reply_text(frozenset(kinds), language)
        assert "Facebook" in text
        assert "We hid" not in text
        assert "Kefu support" not in text
        assert text != english


def test_a_comment_on_the_pages_webhook_is_hidden_and_a_forged_one_is_not(
    page: FacebookPage,
    graph: GraphServer,
    messenger_post: Callable[..., Any],
    run_tasks: Callable[[], None],
) -> None:
    # Meta posts page feed changes to the same webhook as messages, signed the same way.
    payload = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1733500000000,
                "changes": [{"field": "feed", "value": comment(f"验证：{CHINESE_PHRASE}")}],
            }
        ],
    }
    assert messenger_post(page, payload, secret="not-the-app-secret").status_code == 403
    run_tasks()
    assert graph.received == []
    assert not HiddenComment.objects.exists()
    assert messenger_post(page, payload).status_code == 200
    run_tasks()
    hide, reply = graph.received
    assert (hide.path, hide.form) == (path(COMMENT_ID), {"is_hidden": ["true"]})
    assert reply.json()["recipient"] == {"comment_id": COMMENT_ID}  # type: ignore[index]
