import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity
from kefu.conversations import actions
from kefu.conversations.models import Conversation, DeliveryStatus
from kefu.core.intents import Intent
from kefu.helpcenter.flows.definitions import FLOWS
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.identity import issue_session
from kefu.inboxes.webchat.models import Upload
from tests.core.test_ids import HOSTILE_IDS, HOSTILE_JSON_IDS, hostile_spellings
from tests.inboxes.webchat.conftest import PAGE
from tests.safety.secret_files import Secret, file_text, one_file_of_each_kind

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_the_config_is_translated_and_answers_allowed_origins_only(
    client: Client, chat_inbox: Inbox
) -> None:
    response = client.get(f"/chat/config/?inbox={chat_inbox.pk}&lang=zh-TW", HTTP_ORIGIN=PAGE)
    data = response.json()
    assert data["language"] == "zh-Hant"
    assert data["strings"]["send"] == "傳送"
    with translation.override("zh-hant"):
        expected = str(Intent.WITHDRAWAL_DELAYED.label)
    assert expected != "Withdrawal delayed"
    assert {"id": "withdrawal_delayed", "label": expected, "flow": True} in data["topics"]
    assert {topic["id"] for topic in data["topics"] if topic["flow"]} == set(FLOWS)
    assert len(data["topics"]) == len(Intent.values)
    assert response["Access-Control-Allow-Origin"] == PAGE
    english = client.get(f"/chat/config/?inbox={chat_inbox.pk}&lang=en-GB").json()
    assert english["strings"]["send"] == "Send"
    simplified = client.get(f"/chat/config/?inbox={chat_inbox.pk}&lang=zh-CN").json()
    assert simplified["strings"]["send"] == "发送"
    foreign = client.get(f"/chat/config/?inbox={chat_inbox.pk}", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in foreign


TRANSCRIPT_STEPS = [
    "transcript_email_label",
    "transcript",
    "transcript_code_sent",
    "transcript_code_label",
    "transcript_confirm",
    "transcript_other_address",
    "transcript_sent",
    "error_bad_code",
    "error_code_expired",
    "error_too_many_emails",
]


def test_every_step_of_the_transcript_speaks_each_language(
    client: Client, chat_inbox: Inbox
) -> None:
    by_language = {
        lang: client.get(f"/chat/config/?inbox={chat_inbox.pk}&lang={lang}").json()["strings"]
        for lang in ("en", "zh-CN", "zh-TW")
    }
    for key in TRANSCRIPT_STEPS:
        english, simplified, traditional = (by_language[lang][key] for lang in by_language)
        assert len({english, simplified, traditional}) == 3, key
    assert "%(email)s" in by_language["zh-TW"]["transcript_code_sent"]


def test_config_of_a_missing_inbox_is_404(client: Client, db: None) -> None:
    assert client.get("/chat/config/?inbox=nope").status_code == 404
    assert client.get("/chat/config/?inbox=999").status_code == 404


def test_a_hostile_inbox_id_is_404_everywhere(client: Client, chat_inbox: Inbox) -> None:
    session = issue_session(chat_inbox.pk, "visitor-1")
    for raw in [*HOSTILE_IDS, *hostile_spellings(chat_inbox.pk)]:
        assert client.get("/chat/config/", {"inbox": raw}).status_code == 404, raw
        if raw:  # no inbox at all is the demo's default inbox
            assert client.get("/chat/app/", {"inbox": raw}).status_code == 404, raw
        upload = client.post(
            "/chat/upload/",
            {"inbox": raw, "session": session, "file": SimpleUploadedFile("a.png", PNG)},
        )
        assert upload.status_code == 404, raw
    for value in [*HOSTILE_IDS, *HOSTILE_JSON_IDS, *hostile_spellings(chat_inbox.pk)]:
        body = {"inbox": value, "email": "wang@example.com", "text": "周末提现没到账"}
        response = client.post("/chat/offline/", json.dumps(body), content_type="text/plain")
        assert response.status_code == 404, value
    assert not Conversation.objects.exists()
    assert not Upload.objects.exists()


def test_an_upload_needs_a_valid_session_and_an_allowed_file(
    client: Client, chat_inbox: Inbox
) -> None:
    session = issue_session(chat_inbox.pk, "visitor-1")
    refused = client.post(
        "/chat/upload/",
        {"inbox": chat_inbox.pk, "session": "forged", "file": SimpleUploadedFile("a.png", PNG)},
    )
    assert refused.status_code == 401
    assert refused.json()["code"] == "bad_session"
    exe = client.post(
        "/chat/upload/",
        {
            "inbox": chat_inbox.pk,
            "session": session,
            "file": SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20),
        },
    )
    assert exe.status_code == 415
    assert exe.json()["code"] == "unsupported_media_type"
    foreign = client.post(
        "/chat/upload/",
        {"inbox": chat_inbox.pk, "session": session, "file": SimpleUploadedFile("a.png", PNG)},
        HTTP_ORIGIN="https://evil.example",
    )
    assert foreign.status_code == 403
    ok = client.post(
        "/chat/upload/",
        {"inbox": chat_inbox.pk, "session": session, "file": SimpleUploadedFile("screen.png", PNG)},
        HTTP_ORIGIN=PAGE,
    )
    assert ok.status_code == 201
    assert ok.json()["type"] == "image/png"
    assert ok["Access-Control-Allow-Origin"] == PAGE
    assert Upload.objects.get(pk=ok.json()["id"]).visitor == "visitor-1"


def test_an_upload_over_the_size_limit_is_413_and_not_kept(
    client: Client, chat_inbox: Inbox, settings: Any
) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 1024
    session = issue_session(chat_inbox.pk, "visitor-1")
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, "image/png")
    response = client.post(
        "/chat/upload/", {"inbox": chat_inbox.pk, "session": session, "file": big}, HTTP_ORIGIN=PAGE
    )
    assert response.status_code == 413
    assert response.json()["code"] == "attachment_rejected"
    assert response["Access-Control-Allow-Origin"] == PAGE  # the widget can read why
    assert not Upload.objects.exists()


def test_the_off_hours_form_becomes_an_email_ticket_answered_by_email(
    client: Client,
    chat_inbox: Inbox,
    agent: Agent,
    run_tasks: Callable[[], None],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    body = {
        "inbox": chat_inbox.pk,
        "email": "wang@example.com",
        "text": "周末提现没到账",
        "topic": "withdrawal_delayed",
    }
    response = client.post("/chat/offline/", json.dumps(body), content_type="text/plain")
    assert response.status_code == 201
    conversation = Conversation.objects.get()
    assert response.json()["reference"] == conversation.reference
    assert conversation.channel == "webchat"
    assert conversation.intent == "withdrawal_delayed"
    assert ContactIdentity.objects.filter(
        contact=conversation.contact, kind="email", value="wang@example.com"
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.send_reply(conversation=conversation, agent=agent, text="已为您查询")
    mail.outbox.clear()
    run_tasks()
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["wang@example.com"]]


def test_the_off_hours_form_refuses_bad_input_and_stores_nothing(
    client: Client, chat_inbox: Inbox
) -> None:
    cases = [
        ("not json", "bad_request"),
        (json.dumps({"inbox": chat_inbox.pk, "email": "bad", "text": "x"}), "bad_email"),
        (
            json.dumps({"inbox": chat_inbox.pk, "email": "a@example.com", "text": " "}),
            "empty_message",
        ),
    ]
    for body, code in cases:
        response = client.post("/chat/offline/", body, content_type="text/plain")
        assert response.status_code == 400
        assert response.json()["code"] == code
    assert not Conversation.objects.exists()


def test_demo_and_app_pages_embed_the_widget(client: Client, db: None) -> None:
    demo = client.get("/chat/demo/")
    assert demo.status_code == 200
    assert b"webchat/widget.js" in demo.content
    app = client.get("/chat/app/")
    assert b'data-mode="app"' in app.content


@pytest.mark.parametrize(("extension", "secret"), one_file_of_each_kind())
def test_an_uploaded_text_file_waits_on_disk_with_its_secret_removed(
    client: Client, chat_inbox: Inbox, extension: str, secret: Secret
) -> None:
    session = issue_session(chat_inbox.pk, "visitor-1")
    content = file_text(extension, secret.line, "\r\n").encode()
    response = client.post(
        "/chat/upload/",
        {
            "inbox": chat_inbox.pk,
            "session": session,
            "file": SimpleUploadedFile(f"notes{extension}", content, "application/octet-stream"),
        },
        HTTP_ORIGIN=PAGE,
    )
    assert response.status_code == 201, response.content
    upload = Upload.objects.get(pk=response.json()["id"])
    assert upload.kinds_removed == [secret.kind]
    on_disk = b"".join(
        path.read_bytes() for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()
    )
    assert on_disk == upload.file.read()
    for needle in secret.needles():
        assert needle.encode() not in on_disk
    if secret.kind != "keystore":  # the whole file is the keystore
        assert b"\r\n" in on_disk


def test_an_unreadable_text_upload_is_refused_with_a_clear_message(
    client: Client, chat_inbox: Inbox
) -> None:
    session = issue_session(chat_inbox.pk, "visitor-1")
    garbled = SimpleUploadedFile("chat.log", bytes(range(0x80, 0x100)) * 8, "text/plain")
    response = client.post(
        "/chat/upload/",
        {"inbox": chat_inbox.pk, "session": session, "file": garbled},
        HTTP_ORIGIN=PAGE,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert "chat.log could not be read as text" in response.json()["message"]
    assert not Upload.objects.exists()


def test_a_null_character_in_the_off_hours_form_is_refused(
    client: Client, chat_inbox: Inbox
) -> None:
    cache.clear()  # the form is rate-limited per address; earlier tests used it too
    good = {"inbox": chat_inbox.pk, "email": "wang@example.com", "text": "周末提现没到账"}
    for field, value in (
        ("text", "周末提现\x00没到账"),
        ("email", "wang\x00@example.com"),
        ("topic", "withdrawal_delayed\x00"),
        ("language", "en\x00"),
    ):
        body = json.dumps({**good, field: value})
        response = client.post("/chat/offline/", body, content_type="text/plain")
        assert response.status_code == 400, field
        assert response.json()["code"] == "bad_text"
    assert not Conversation.objects.exists()


def test_a_null_character_in_an_uploaded_file_name_is_dropped(
    client: Client, chat_inbox: Inbox
) -> None:
    session = issue_session(chat_inbox.pk, "visitor-1")
    boundary = "kefu-boundary"
    fields = [("inbox", str(chat_inbox.pk)), ("session", session)]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    )
    disposition = 'form-data; name="file"; filename="截\x00.png"'
    head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: image/png\r\n\r\n"
    body += head.encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
    response = client.generic(
        "POST", "/chat/upload/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "截.png"
    assert Upload.objects.get().filename == "截.png"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "the agent answers you here, in this chat"), ("zh-CN", "在这个聊天窗口里回复您"),
     ("zh-TW", "在這個聊天視窗裡回覆您")],
)  # fmt: skip
def test_a_guided_flows_hand_off_in_the_widget_says_the_answer_comes_in_the_chat(
    client: Client, chat_inbox: Inbox, lang: str, words: str
) -> None:
    strings = client.get(f"/chat/config/?inbox={chat_inbox.pk}&lang={lang}").json()["strings"]
    assert words in strings["flow_handoff"]
