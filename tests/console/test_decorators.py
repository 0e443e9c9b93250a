"""`agent_required`: nobody short of a verified, active agent reaches a console page or action."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.agents.models import Role
from kefu.conversations.models import Attachment, Conversation, Message, MessageKind, Priority

PASSWORD = "correct horse battery staple"


@pytest.fixture
def conversation(conversation_factory) -> Conversation:
    return conversation_factory()


@pytest.fixture
def attachment(conversation) -> Attachment:
    message = conversation.messages.first()
    item = Attachment(message=message, filename="a.txt", content_type="text/plain", size=5)
    item.file.save("a.txt", ContentFile(b"hello"), save=True)
    return item


def endpoints(
    conversation: Conversation, attachment: Attachment
) -> list[tuple[str, str, dict[str, str]]]:
    ref = conversation.reference
    return [
        ("get", "/console/", {}),
        ("get", "/console/inbox/rows/", {}),
        ("get", f"/console/c/{ref}/", {}),
        ("get", f"/console/c/{ref}/timeline/", {}),
        ("get", f"/console/c/{ref}/header/", {}),
        ("get", f"/console/c/{ref}/details/", {}),
        ("get", f"/console/attachments/{attachment.pk}/", {}),
        ("post", f"/console/c/{ref}/reply/", {"text": "hello"}),
        ("post", f"/console/c/{ref}/note/", {"text": "hello"}),
        ("post", f"/console/c/{ref}/assign/", {"assignee": ""}),
        ("post", f"/console/c/{ref}/status/", {"status": "resolved"}),
        ("post", f"/console/c/{ref}/priority/", {"priority": "urgent"}),
        ("post", f"/console/c/{ref}/tags/", {"tags": "x"}),
        ("post", f"/console/c/{ref}/merge/", {"target": "K-999999"}),
        ("post", "/console/me/language/", {"language": "en"}),
        ("post", "/console/me/availability/", {"availability": "away"}),
    ]


def assert_nothing_reachable(client: Client, conversation, attachment, step: str) -> None:
    for method, url, data in endpoints(conversation, attachment):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(step), url
        htmx = getattr(client, method)(url, data, headers={"HX-Request": "true"})
        assert htmx.status_code == 401, url
        assert htmx["HX-Redirect"].startswith(step), url
    conversation.refresh_from_db()
    assert conversation.priority == Priority.NORMAL
    assert conversation.status == "open"
    assert conversation.assignee_id is None
    assert not conversation.tags.exists()
    assert (
        conversation.messages.filter(kind__in=[MessageKind.NOTE, MessageKind.OUTBOUND]).count() == 0
    )


def test_anonymous_visitor_is_sent_to_sign_in(client, conversation, attachment):
    assert_nothing_reachable(client, conversation, attachment, "/console/login/")


def test_password_only_session_is_sent_to_the_code_page(client, agent, conversation, attachment):
    TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
    client.post("/console/login/", {"username": agent.username, "password": PASSWORD})
    assert_nothing_reachable(client, conversation, attachment, "/console/login/verify/")


def test_password_only_session_without_a_device_is_sent_to_enrolment(
    client, agent, conversation, attachment
):
    client.post("/console/login/", {"username": agent.username, "password": PASSWORD})
    assert_nothing_reachable(client, conversation, attachment, "/console/login/enrol/")


def test_signed_in_but_unverified_session_is_sent_to_the_code_page(agent, conversation, attachment):
    TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
    client = Client()
    client.force_login(agent)  # e.g. through another login form: no second factor
    assert_nothing_reachable(client, conversation, attachment, "/console/login/verify/")


def test_disabled_agent_is_refused(agent_factory, conversation):
    from tests.conftest import verified_client

    agent = agent_factory(role=Role.L1)
    client = verified_client(agent)
    agent.is_active = False
    agent.save()
    response = client.get("/console/")
    # Django ends a disabled user's session, so they land on the sign-in page, not inside.
    assert response.status_code in (302, 403)
    assert Message.objects.filter(kind=MessageKind.NOTE).count() == 0
    response = client.post(f"/console/c/{conversation.reference}/note/", {"text": "hi"})
    assert response.status_code in (302, 403)
    assert Message.objects.filter(kind=MessageKind.NOTE).count() == 0


def test_verified_agent_gets_in(agent_client):
    response = agent_client.get("/console/")
    assert response.status_code == 200
