"""Every API input refuses U+0000 with a field error and stores nothing (on PostgreSQL too)."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Message
from kefu.helpcenter.flows.models import FlowRun
from kefu.inboxes.models import Inbox

pytestmark = pytest.mark.django_db

N = "\x00"
CONTACT = {"email": "li.lei@example.com"}


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def conversation(conversation_factory: Callable[..., Conversation], api_inbox: Inbox) -> Any:
    return conversation_factory(inbox=api_inbox, channel="api")


# (how, path, data, the field the error names): every API operation that takes text.
# Paths and data are templates: {ref} is the conversation, {run} a guided flow's run.
CASES: list[tuple[str, str, Any, str]] = [
    ("json", "/api/v1/conversations", {"contact": CONTACT, "text": f"提现{N}"}, "text"),
    ("json", "/api/v1/conversations", {"contact": CONTACT, "text": "x", "subject": N}, "subject"),
    ("json", "/api/v1/conversations", {"contact": CONTACT, "text": "x", "external_id": N},
     "external_id"),
    ("json", "/api/v1/conversations", {"contact": {**CONTACT, "name": f"李{N}"}, "text": "x"},
     "contact.name"),
    ("json", "/api/v1/conversations", {"contact": {"email": f"li{N}@example.com"}, "text": "x"},
     "contact.email"),
    ("json", "/api/v1/conversations", {"contact": {"platform_user_id": N}, "text": "x"},
     "contact.platform_user_id"),
    ("json", "/api/v1/conversations/{ref}/messages", {"text": f"x{N}"}, "text"),
    ("json", "/api/v1/conversations/{ref}/messages", {"text": "x", "external_id": N},
     "external_id"),
    ("form", "/api/v1/conversations/{ref}/messages/multipart", {"text": f"x{N}"}, "text"),
    ("json", "/api/v1/conversations/{ref}/replies", {"text": f"您好{N}"}, "text"),
    ("json", "/api/v1/conversations/{ref}/notes", {"text": f"n{N}"}, "text"),
    ("json", "/api/v1/conversations/{ref}/assignee", {"agent_public_id": f"KF{N}"},
     "agent_public_id"),
    ("json", "/api/v1/conversations/{ref}/tags", {"tags": ["vip", f"t{N}"]}, "tags"),
    ("json", "/api/v1/conversations/{ref}/status", {"status": f"open{N}"}, "status"),
    ("get", "/api/v1/contacts", {"email": f"li{N}@example.com"}, "email"),
    ("get", "/api/v1/contacts", {"platform_user_id": f"u{N}"}, "platform_user_id"),
    ("get", "/api/v1/verify", {"q": f"KF-7Q2M9A{N}"}, "q"),
    ("get", "/api/v1/help/search", {"q": f"提现{N}"}, "q"),
    ("json", "/api/v1/help/flows/transaction_failed/runs", {"language": f"en{N}"}, "language"),
    ("json", "/api/v1/help/flows/runs/{run}/answer", {"value": f"下单失败{N}"}, "value"),
    ("json", "/api/v1/help/flows/runs/{run}/handoff", {"email": f"li{N}@example.com"}, "email"),
]  # fmt: skip


def _send(client: Client, how: str, path: str, data: Any) -> Any:
    if how == "get":
        return client.get(path, data)
    if how == "form":
        return client.post(
            path, {**data, "files": SimpleUploadedFile("a.txt", b"hi", "text/plain")}
        )
    return client.post(path, json.dumps(data), content_type="application/json")


def test_every_text_input_of_the_api_refuses_a_null_character(
    api_client: Client, conversation: Conversation
) -> None:
    run = FlowRun.objects.create(intent="transaction_failed", language="en", step="describe")
    messages, contacts = Message.objects.count(), Contact.objects.count()
    for how, template, data, field in CASES:
        path = template.format(ref=conversation.reference, run=run.token)
        response = _send(api_client, how, path, data)
        assert response.status_code == 422, (path, field, response.content)
        error = response.json()["error"]
        assert error["code"] == "validation_error", (path, field)
        assert {"field": field, "code": "null_character"}.items() <= error["fields"][0].items()
    assert (Message.objects.count(), Contact.objects.count()) == (messages, contacts)
    run.refresh_from_db()
    assert run.collected == {}
    conversation.refresh_from_db()
    assert list(conversation.tags.all()) == []


def test_the_refusal_is_translated(api_token: tuple[Any, str]) -> None:
    body = {"contact": CONTACT, "text": f"提现{N}"}
    messages = {}
    for language in ("en", "zh-Hans", "zh-Hant"):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token[1]}", HTTP_ACCEPT_LANGUAGE=language)
        messages[language] = _send(client, "json", "/api/v1/conversations", body).json()["error"]
    assert "U+0000" in messages["en"]["fields"][0]["message"]
    assert "空字符" in messages["zh-Hans"]["fields"][0]["message"]
    assert "空字元" in messages["zh-Hant"]["fields"][0]["message"]


def test_text_without_a_null_character_still_goes_through(api_client: Client) -> None:
    body = {"contact": CONTACT, "text": "提现\\u0000 不是空字符", "subject": "\x01 ok"}
    assert _send(api_client, "json", "/api/v1/conversations", body).status_code == 201
