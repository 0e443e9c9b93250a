"""Files served through the project's ASGI application (as uvicorn serves them) stream
block by block: no "must consume synchronous iterators" warning, which is Django reading
the whole file into memory first. Every warning is an error in these tests."""

from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile

from kefu.asgi import application
from kefu.conversations.models import Attachment
from kefu.core.file_responses import FileStream
from tests.conftest import verified_client
from tests.core.test_body_limits import http_scope

pytestmark = pytest.mark.filterwarnings("error::Warning")


async def asgi_get(
    path: str,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> tuple[int, dict[bytes, bytes], list[bytes]]:
    scope = {**http_scope(path, list(headers)), "method": "GET"}
    communicator: Any = ApplicationCommunicator(application, scope)  # type: ignore[no-untyped-call]
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(timeout=30)
    parts = []
    while True:
        message = await communicator.receive_output(timeout=30)
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            # Let the handler finish (it closes the request body file) before returning.
            await communicator.wait(timeout=30)
            return start["status"], {k.lower(): v for k, v in start["headers"]}, parts


async def test_favicon_is_a_real_icon() -> None:
    status, headers, parts = await asgi_get("/favicon.ico")
    assert status == 200
    assert headers[b"content-type"] == b"image/vnd.microsoft.icon"
    body = b"".join(parts)
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    with open(finders.find("kefu/favicon.ico"), "rb") as icon:  # type: ignore[arg-type]
        assert body == icon.read()


async def test_static_files_stream_without_the_warning() -> None:
    status, headers, parts = await asgi_get("/static/kefu/timezone.js")
    assert status == 200
    assert b"kefu_tz" in b"".join(parts)
    assert headers[b"content-type"].startswith(b"text/javascript")


async def test_a_static_file_not_modified_answers_304_without_the_warning() -> None:
    _, headers, _ = await asgi_get("/static/kefu/timezone.js")
    status, _, parts = await asgi_get(
        "/static/kefu/timezone.js", ((b"if-none-match", headers[b"etag"]),)
    )
    assert status == 304
    assert b"".join(parts) == b""


@pytest.mark.django_db(transaction=True)
async def test_an_attachment_streams_in_blocks_without_the_warning(
    agent: Any, conversation_factory: Any
) -> None:
    from asgiref.sync import sync_to_async

    content = bytes(range(256)) * 1024  # 256 KiB: several blocks

    def prepare() -> tuple[int, str]:
        message = conversation_factory().messages.get()
        item = Attachment(message=message, filename="log.bin", content_type="application/pdf")
        item.size = len(content)
        item.file.save("ignored", ContentFile(content), save=True)
        cookie = verified_client(agent).cookies[settings.SESSION_COOKIE_NAME].value
        return item.pk, cookie

    pk, session = await sync_to_async(prepare)()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}".encode()
    status, _, parts = await asgi_get(f"/console/attachments/{pk}/", ((b"cookie", cookie),))
    assert status == 200
    assert b"".join(parts) == content
    assert len([part for part in parts if part]) >= len(content) // FileStream.block_size


def test_the_wsgi_test_client_still_reads_a_file_stream(client: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
