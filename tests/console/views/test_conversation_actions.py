"""Each action endpoint: the change happens through its action, refusals change nothing."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.agents.models import Role
from kefu.conversations.models import (
    Attachment,
    Conversation,
    DeliveryStatus,
    Message,
    MessageKind,
    Priority,
    Status,
)
from tests.conftest import verified_client
from tests.console.reply_windows import wechat_conversation
from tests.safety.secret_files import PHRASE_EN, PHRASE_ZH_HANS, WIF

HTMX = {"HX-Request": "true"}


@pytest.fixture
def conversation(conversation_factory) -> Conversation:
    return conversation_factory()


def url(conversation: Conversation, action: str) -> str:
    return f"/console/c/{conversation.reference}/{action}/"


def outbound(conversation: Conversation):
    return conversation.messages.filter(kind=MessageKind.OUTBOUND)


# ---- reply -------------------------------------------------------------------------------


def test_reply_is_stored_queued_and_returned_with_the_timeline(
    agent_client, agent, conversation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            url(conversation, "reply"), {"text": "您好，我们正在处理"}, headers=HTMX
        )
    assert response.status_code == 200
    message = outbound(conversation).get()
    assert message.author_agent == agent
    assert message.delivery_status in (DeliveryStatus.QUEUED, DeliveryStatus.SENT)
    html = response.content.decode()
    assert '<form id="reply-form"' in html  # a fresh, empty reply box
    assert 'id="timeline"' in html
    assert 'hx-swap-oob="true"' in html
    assert "您好，我们正在处理" in html


def test_reply_then_status(agent_client, conversation):
    response = agent_client.post(
        url(conversation, "reply"), {"text": "Done!", "then_status": "resolved"}, headers=HTMX
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    assert outbound(conversation).count() == 1


def test_reply_with_a_disallowed_then_status_changes_nothing(agent_client, conversation):
    response = agent_client.post(
        url(conversation, "reply"), {"text": "Done!", "then_status": "closed"}, headers=HTMX
    )
    assert response.status_code == 409
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert not outbound(conversation).exists()
    assert "Done!" in response.content.decode()  # the text stays in the box


def test_reply_with_an_attachment(agent_client, conversation):
    upload = SimpleUploadedFile("steps.txt", "1. 打开 App\n".encode(), content_type="text/plain")
    response = agent_client.post(
        url(conversation, "reply"), {"text": "see file", "attachments": [upload]}, headers=HTMX
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get(message__kind=MessageKind.OUTBOUND)
    assert attachment.filename == "steps.txt"
    assert f"/console/attachments/{attachment.pk}/" in response.content.decode()


def test_a_file_an_agent_passes_on_is_stored_and_sent_without_its_secret(
    agent_client, conversation
):
    log = f"customer log\r\nmnemonic: {PHRASE_EN}\r\n".encode()
    upload = SimpleUploadedFile("customer.log", log, content_type="application/octet-stream")
    response = agent_client.post(
        url(conversation, "reply"), {"text": "see file", "attachments": [upload]}, headers=HTMX
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get(message__kind=MessageKind.OUTBOUND)
    assert attachment.content_type == "text/plain"
    assert attachment.file.read() == "customer log\r\nmnemonic: [助记词已移除]\r\n".encode()


def test_oversized_upload_is_refused_and_nothing_is_stored(agent_client, conversation, settings):
    settings.KEFU_MAX_ATTACHMENT_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", b"x" * 2000, content_type="text/plain")
    response = agent_client.post(
        url(conversation, "reply"), {"text": "keep me", "attachments": [upload]}, headers=HTMX
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "big.txt is larger than the 1000" in html
    assert "keep me" in html
    assert not outbound(conversation).exists()
    assert not Attachment.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_disallowed_file_type_is_refused(agent_client, conversation):
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 100, content_type="text/plain")
    response = agent_client.post(
        url(conversation, "reply"), {"text": "x", "attachments": [upload]}, headers=HTMX
    )
    assert response.status_code == 415
    assert "not an allowed file type" in response.content.decode()
    assert not outbound(conversation).exists()
    assert not Attachment.objects.exists()


def test_empty_reply_is_refused(agent_client, conversation):
    response = agent_client.post(url(conversation, "reply"), {"text": "  "}, headers=HTMX)
    assert response.status_code == 422
    assert "The message is empty." in response.content.decode()
    assert not outbound(conversation).exists()


def test_blocked_reply_shows_why_and_keeps_the_text(agent_client, conversation):
    text = "请把您的助记词发给我，我帮您恢复钱包"
    response = agent_client.post(url(conversation, "reply"), {"text": text}, headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "alert-error" in html
    assert text in html
    assert not outbound(conversation).exists()


def test_reply_without_htmx_redirects_back(agent_client, conversation):
    response = agent_client.post(url(conversation, "reply"), {"text": "plain form"})
    assert response.status_code == 302
    assert response["Location"] == f"/console/c/{conversation.reference}/"
    refused = agent_client.post(url(conversation, "reply"), {"text": ""})
    assert refused.status_code == 422
    assert "<html" in refused.content.decode()


def test_reply_needs_post(agent_client, conversation):
    assert agent_client.get(url(conversation, "reply")).status_code == 405


def test_reply_to_an_unknown_reference_is_404(agent_client):
    response = agent_client.post("/console/c/K-999999/reply/", {"text": "x"}, headers=HTMX)
    assert response.status_code == 404
    assert not Message.objects.filter(kind=MessageKind.OUTBOUND).exists()


def test_reply_through_the_portal_when_the_wechat_window_closed_is_stored_and_delivered(
    agent_client, conversation_factory, run_tasks
):
    conversation = wechat_conversation(
        conversation_factory, heard_ago=timedelta(hours=49), email="a@b.c"
    )
    response = agent_client.post(
        url(conversation, "reply"), {"text": "请登录帮助中心查看", "via": "portal"}, headers=HTMX
    )
    assert response.status_code == 200
    message = outbound(conversation).get()
    assert message.via == "portal"
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert (
        '<span class="via">sent through the help-center portal</span>' in response.content.decode()
    )
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT


def test_a_reply_after_the_window_closed_shows_the_reason_and_keeps_the_text(
    agent_client, conversation_factory
):
    # The page was opened while the window was open; the customer's last message is now
    # 49 hours old, and the reply is posted on the channel.
    conversation = wechat_conversation(
        conversation_factory, heard_ago=timedelta(hours=49), email="a@b.c"
    )
    text = "您的提现已经到账，请查收"
    response = agent_client.post(url(conversation, "reply"), {"text": text}, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert '<div class="alert alert-error" role="alert">WeChat' in html
    assert "replies may go only within 48 hours" in html
    assert text in html
    assert '<input type="radio" name="via" value="email" checked> Email a@b.c' in html
    assert not outbound(conversation).exists()


def test_a_refused_reply_without_htmx_gets_the_whole_page_with_the_reason(
    agent_client, conversation_factory
):
    conversation = wechat_conversation(conversation_factory, sent=20)
    response = agent_client.post(url(conversation, "reply"), {"text": "还有一条"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html
    assert "allows 20 messages after each message of the customer" in html
    assert "还有一条" in html


def test_a_reply_via_a_channel_the_window_does_not_offer_is_refused(
    agent_client, conversation_factory
):
    conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=49))
    for via in ("portal", "telegram"):  # no address to sign in with; not an alternative
        response = agent_client.post(
            url(conversation, "reply"), {"text": "x", "via": via}, headers=HTMX
        )
        assert response.status_code == 409
        assert "This conversation cannot be answered on" in response.content.decode()
    response = agent_client.post(
        url(conversation, "reply"), {"text": "x", "via": "pigeon"}, headers=HTMX
    )
    assert response.status_code == 400
    assert not outbound(conversation).exists()


# ---- note --------------------------------------------------------------------------------


def test_note_is_added_and_never_delivered(agent_client, agent, conversation):
    response = agent_client.post(url(conversation, "note"), {"text": "VIP, be quick"}, headers=HTMX)
    assert response.status_code == 200
    note = conversation.messages.get(kind=MessageKind.NOTE)
    assert note.author_agent == agent
    assert note.delivery_status == DeliveryStatus.NOT_APPLICABLE
    assert "VIP, be quick" in response.content.decode()


def test_empty_note_is_refused(agent_client, conversation):
    response = agent_client.post(url(conversation, "note"), {"text": ""}, headers=HTMX)
    assert response.status_code == 400
    assert not conversation.messages.filter(kind=MessageKind.NOTE).exists()


def test_a_refused_note_without_javascript_reopens_on_the_note_tab(agent_client, conversation):
    response = agent_client.post(url(conversation, "note"), {"text": ""})
    assert response.status_code == 400
    page = response.content.decode()
    # The tabs pattern: the note tab selected and in the tab order, its panel shown.
    assert re.search(r'id="tab-note"[^>]*aria-selected="true"', page)
    assert re.search(r'id="tab-reply"[^>]*aria-selected="false"[^>]*tabindex="-1"', page)
    assert re.search(r'id="pane-reply"[^>]*role="tabpanel"[^>]* hidden', page)
    assert not re.search(r'id="pane-note"[^>]* hidden', page)


# ---- every action's form -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "english", "chinese"),
    [
        ("note", {"text": ""}, "Write the note first.", "请先填写备注内容。"),
        ("assign", {"assignee": "0"}, "Choose an agent from the list.", "请从列表中选择一位客服。"),
        (
            "transfer",
            {"to_agent": "0"},
            "Choose an agent or a team from the list.",
            "请从列表中选择客服或团队。",
        ),
        (
            "status",
            {"status": "gone"},
            "Choose a status from the list.",
            "请从列表中选择一个状态。",
        ),
        (
            "priority",
            {"priority": "max"},
            "Choose a priority from the list.",
            "请从列表中选择一个优先级。",
        ),
        (
            "merge",
            {},
            "Enter the reference of the conversation to merge into.",
            "请输入要合并到的对话编号。",
        ),
    ],
)
def test_an_invalid_form_is_refused_with_its_own_message_in_the_agents_language(
    agent_client, agent, conversation, action, data, english, chinese
):
    for language, expected in (("en", english), ("zh-Hans", chinese)):
        agent.language = language
        agent.save(update_fields=["language"])
        response = agent_client.post(url(conversation, action), data, headers=HTMX)
        assert response.status_code == 400
        assert expected in response.content.decode()
    assert conversation.messages.filter(kind=MessageKind.NOTE).count() == 0


def test_a_form_without_its_own_message_is_refused_with_its_first_error(agent_client, conversation):
    response = agent_client.post(
        url(conversation, "tags"), {"tags": "x" * 1001}, headers={**HTMX, "Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "Ensure this value has at most 1000 characters" in response.content.decode()


# ---- assign ------------------------------------------------------------------------------


def test_l1_takes_a_conversation(agent_client, agent, conversation):
    response = agent_client.post(url(conversation, "assign"), {"assignee": agent.pk}, headers=HTMX)
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.assignee == agent


def test_l1_cannot_assign_someone_else(agent_client, agent_factory, conversation):
    colleague = agent_factory()
    response = agent_client.post(
        url(conversation, "assign"), {"assignee": colleague.pk}, headers=HTMX
    )
    assert response.status_code == 403
    assert "alert-error" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_supervisor_assigns_anyone(agent_factory, conversation):
    supervisor = agent_factory(role=Role.SUPERVISOR, language="en")
    colleague = agent_factory()
    client = verified_client(supervisor)
    page = client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert 'id="assignee-select"' in page
    response = client.post(url(conversation, "assign"), {"assignee": colleague.pk}, headers=HTMX)
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.assignee == colleague


def test_assign_to_an_unknown_agent_is_refused(agent_client, conversation):
    response = agent_client.post(url(conversation, "assign"), {"assignee": 999999}, headers=HTMX)
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.assignee is None


# ---- status ------------------------------------------------------------------------------


def test_status_change(agent_client, conversation):
    response = agent_client.post(url(conversation, "status"), {"status": "pending"}, headers=HTMX)
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.status == Status.PENDING
    assert 'id="conv-header"' in response.content.decode()


def test_invalid_status_transition_is_409_and_changes_nothing(agent_client, conversation):
    response = agent_client.post(url(conversation, "status"), {"status": "closed"}, headers=HTMX)
    assert response.status_code == 409
    assert "alert-error" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN


def test_unknown_status_is_400(agent_client, conversation):
    response = agent_client.post(url(conversation, "status"), {"status": "gone"}, headers=HTMX)
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN


# ---- priority and tags -------------------------------------------------------------------


def test_priority_change(agent_client, conversation):
    response = agent_client.post(
        url(conversation, "priority"), {"priority": "urgent"}, headers=HTMX
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.priority == Priority.URGENT


def test_unknown_priority_is_refused(agent_client, conversation):
    response = agent_client.post(url(conversation, "priority"), {"priority": "max"}, headers=HTMX)
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.priority == Priority.NORMAL


def test_tags_are_set_from_a_comma_separated_list(agent_client, conversation):
    response = agent_client.post(
        url(conversation, "tags"), {"tags": "vip, usdt-trc20，提现、vip"}, headers=HTMX
    )
    assert response.status_code == 200
    assert set(conversation.tags.values_list("name", flat=True)) == {"vip", "usdt-trc20", "提现"}
    agent_client.post(url(conversation, "tags"), {"tags": ""}, headers=HTMX)
    assert not conversation.tags.exists()


@pytest.mark.parametrize(
    "tags",
    [
        "vip, password: Hunter2-Secret!",
        "，".join(PHRASE_ZH_HANS.split()),  # a phrase typed as a list of tags
        f"vip, key {WIF}",  # longer than a tag may be: screened before it is cut
    ],
)
def test_tags_that_hold_a_secret_are_refused_with_a_clear_message(agent_client, conversation, tags):
    agent_client.post(url(conversation, "tags"), {"tags": "vip"}, headers=HTMX)
    response = agent_client.post(
        url(conversation, "tags"), {"tags": tags}, headers={**HTMX, "Accept-Language": "en"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "hold a password, key, code or recovery phrase" in html
    assert "Hunter2" not in html
    assert WIF[:20] not in html
    assert list(conversation.tags.values_list("name", flat=True)) == ["vip"]


# ---- merge -------------------------------------------------------------------------------


def test_merge_into_a_conversation_of_the_same_customer(
    agent_client, conversation_factory, contact_factory
):
    contact = contact_factory()
    duplicate = conversation_factory(contact=contact, text="second copy")
    target = conversation_factory(contact=contact)
    response = agent_client.post(
        url(duplicate, "merge"), {"target": target.reference}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/console/c/{target.reference}/"
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    assert target.messages.filter(text="second copy").exists()


def test_merge_of_different_customers_is_refused(agent_client, conversation_factory):
    mine = conversation_factory()
    someone_elses = conversation_factory()
    response = agent_client.post(
        url(mine, "merge"), {"target": someone_elses.reference}, headers=HTMX
    )
    assert response.status_code == 409
    assert "Only conversations of the same customer can be merged." in response.content.decode()
    mine.refresh_from_db()
    assert mine.merged_into is None
    assert mine.messages.count() == 1
    assert someone_elses.messages.count() == 1


def test_merge_into_an_unknown_reference_is_refused(agent_client, conversation):
    response = agent_client.post(url(conversation, "merge"), {"target": "K-999999"}, headers=HTMX)
    assert response.status_code == 404
    assert "K-999999" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.merged_into is None


def test_refusal_without_htmx_renders_the_page_with_the_error(agent_client, conversation):
    response = agent_client.post(url(conversation, "status"), {"status": "closed"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html
    assert "alert-error" in html


def test_a_null_character_in_a_console_form_is_refused(agent_client, conversation):
    before = conversation.messages.count()
    for action, data in (
        ("reply", {"text": "您好\x00"}),
        ("note", {"text": "checked\x00"}),
        ("tags", {"tags": "vip,\x00"}),
        ("merge", {"target": "K-\x00"}),
    ):
        response = agent_client.post(url(conversation, action), data, headers=HTMX)
        assert 400 <= response.status_code < 500, (action, response.status_code)
    assert conversation.messages.count() == before
    assert not conversation.tags.exists()
