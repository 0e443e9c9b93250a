"""The Content-Security-Policy header, area by area, and framing kept in step with it."""

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client

from kefu.contacts.models import Contact
from kefu.conversations.models import Attachment, Conversation
from kefu.core.content_policy import HEADER
from kefu.inboxes.models import Channel, Inbox
from tests.conftest import portal_client_for

STRICT = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

pytestmark = pytest.mark.django_db


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize(
    "path",
    [
        "/console/login/",  # sign-in
        "/portal/",
        "/portal/verify/",
        "/help/",
        "/help/flows/",
        "/chat/demo/",
        "/admin/login/",
        "/api/docs",
        "/no-such-page/",  # Django's own 404
        "/help/articles/no-such-article/",  # the help center's 404
    ],
)
def test_every_public_page_gets_the_strict_policy_and_is_never_framed(
    client: Client, path: str
) -> None:
    response = client.get(path)
    assert response[HEADER] == STRICT
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/console/", "/console/queue/", "/console/safety/alerts/", "/console/c/K-999999/"]
)
def test_console_pages_get_the_strict_policy(agent_client: Client, path: str) -> None:
    response = agent_client.get(path)
    assert response[HEADER] == STRICT
    assert response["X-Frame-Options"] == "DENY"


def test_a_portal_ticket_gets_the_strict_policy(
    conversation_factory: Callable[..., Conversation], contact_factory: Callable[..., Contact]
) -> None:
    contact = contact_factory()
    conversation = conversation_factory(contact=contact)
    response = portal_client_for(contact).get(f"/portal/tickets/{conversation.reference}/")
    assert response.status_code == 200
    assert response[HEADER] == STRICT


def test_the_printable_record_allows_only_its_own_nonced_style_and_script(
    conversation_factory: Callable[..., Conversation], contact_factory: Callable[..., Contact]
) -> None:
    contact = contact_factory()
    conversation = conversation_factory(contact=contact)
    client = portal_client_for(contact)
    url = f"/portal/tickets/{conversation.reference}/record.html"
    first, second = client.get(url), client.get(url)
    policy = directives(first[HEADER])
    nonce = re.fullmatch(r"'nonce-([\w-]+)'", policy["script-src"][1])
    assert nonce is not None
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce.group(1)}'"]
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce.group(1)}'"]
    html = first.content.decode()
    assert html.count(f'nonce="{nonce.group(1)}"') == 2  # the <style> and the <script>
    assert "onclick" not in html
    assert nonce.group(1) not in second[HEADER]  # a new nonce for every response


@pytest.fixture
def chat_inbox(db: None) -> Inbox:
    return Inbox.objects.create(
        name="Live chat",
        channel=Channel.WEBCHAT,
        config={"allowed_origins": ["https://www.example.com", "https://M.Example.com:8443"]},
    )


def test_the_full_page_chat_may_be_framed_by_the_inboxs_origins_only(
    client: Client, chat_inbox: Inbox
) -> None:
    response = client.get(f"/chat/app/?inbox={chat_inbox.pk}")
    policy = directives(response[HEADER])
    assert policy["frame-ancestors"] == [
        "'self'",
        settings.SITE_URL,
        "https://www.example.com",
        "https://m.example.com:8443",
    ]
    # X-Frame-Options cannot name origins; with it, the browser would refuse the frame.
    assert "X-Frame-Options" not in response
    assert {name: sources for name, sources in policy.items() if name != "frame-ancestors"} == {
        name: sources for name, sources in directives(STRICT).items() if name != "frame-ancestors"
    }


def test_an_inbox_open_to_any_site_may_be_framed_by_any_site(client: Client) -> None:
    inbox = Inbox.objects.create(
        name="Open chat", channel=Channel.WEBCHAT, config={"allowed_origins": ["*"]}
    )
    response = client.get(f"/chat/app/?inbox={inbox.pk}")
    assert directives(response[HEADER])["frame-ancestors"] == ["'self'", "*"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example; script-src *",
        "https://a.example script-src",
        "javascript:alert(1)",
        "https://a.example,https://b.example",
        "https://a.example\r\nSet-Cookie: x=1",
        "not an origin",
    ],
)
def test_an_origin_that_could_rewrite_the_policy_is_left_out(client: Client, origin: str) -> None:
    inbox = Inbox.objects.create(
        name="Chat", channel=Channel.WEBCHAT, config={"allowed_origins": [origin]}
    )
    response = client.get(f"/chat/app/?inbox={inbox.pk}")
    policy = directives(response[HEADER])
    assert policy["frame-ancestors"] == ["'self'", settings.SITE_URL]
    assert policy["script-src"] == ["'self'"]
    assert "Set-Cookie" not in response


def test_a_download_keeps_its_own_sandbox_policy(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    message = conversation_factory().messages.get()
    item = Attachment(message=message, filename="shot.png", content_type="image/png", size=8)
    item.file.save("ignored", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    response = agent_client.get(f"/console/attachments/{item.pk}/")
    assert response[HEADER] == "sandbox; default-src 'none'"


def test_json_is_not_a_document_and_gets_no_page_policy(client: Client) -> None:
    response = client.get("/api/v1/help/search?q=withdraw")
    assert response["Content-Type"].startswith("application/json")
    assert HEADER not in response


def test_djangos_debug_pages_stay_readable_when_debugging(client: Client, settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert HEADER not in response
