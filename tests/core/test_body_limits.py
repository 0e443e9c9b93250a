"""Request bodies are capped in front of Django: refused by their announced length before a
byte is read, and cut off at the cap while they stream, on every upload path.

The first tests drive the project's ASGI application in this process; the last ones send
the issue's 4 × 300 MB to a real uvicorn process and watch its memory.
"""

import asyncio
import contextlib
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import Client

from kefu.api.inbound import MAX_FILES as API_FILES
from kefu.asgi import UPLOAD_VIEWS, application
from kefu.console.forms import MAX_FILES_PER_REPLY
from kefu.core.body_limits import FORM_OVERHEAD_BYTES
from tests.test_scale import free_port

MB = 1024 * 1024
UPLOAD_PATHS = [
    ("/chat/upload/", 1),
    ("/portal/tickets/new/", 1),
    ("/portal/tickets/K-000001/reply/", 1),
    ("/console/c/K-000001/reply/", MAX_FILES_PER_REPLY),
    ("/api/v1/conversations/K-000001/messages/multipart", API_FILES),
]
OTHER_PATHS = ["/api/v1/conversations", "/chat/offline/", "/portal/sign-in/", "/no/such/page/"]


def upload_cap(files: int) -> int:
    return files * settings.KEFU_MAX_ATTACHMENT_BYTES + FORM_OVERHEAD_BYTES


def http_scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def open_request(path: str, headers: list[tuple[bytes, bytes]]) -> Any:
    """The project's ASGI application handling one request; asgiref's helper is untyped."""
    return ApplicationCommunicator(application, http_scope(path, headers))  # type: ignore[no-untyped-call]


async def response(communicator: Any) -> tuple[int, dict[bytes, bytes], bytes]:
    """The answer, once the application has finished: a test that ended before Django's
    handler closed the body it spooled to a temporary file would leave that file to the
    garbage collector, which then warns in whichever test happens to be running."""
    start = await communicator.receive_output(timeout=30)
    assert start["type"] == "http.response.start"
    body = b""
    while True:
        part = await communicator.receive_output(timeout=30)
        body += part.get("body", b"")
        if not part.get("more_body"):
            await communicator.wait(timeout=30)
            return start["status"], dict(start["headers"]), body


async def stream_until_answered(communicator: Any, limit: int, chunk: int = MB) -> int:
    """Send body chunks, each once the application has taken the one before, until it
    answers (or `limit` bytes are sent); the bytes sent."""
    sent = 0
    while sent < limit and communicator.output_queue.empty():
        await communicator.send_input(
            {"type": "http.request", "body": b"x" * chunk, "more_body": True}
        )
        sent += chunk
        deadline = time.monotonic() + 30
        while not communicator.input_queue.empty() and communicator.output_queue.empty():
            assert time.monotonic() < deadline, "the application stopped reading without answering"
            await asyncio.sleep(0.001)
    return sent


def test_every_view_named_as_taking_files_exists() -> None:
    from django.urls import reverse

    assert set(UPLOAD_VIEWS) == {
        "webchat:upload",
        "portal:new_ticket",
        "portal:reply",
        "console:reply",
        "api:post_customer_message_with_files",
    }
    for name in UPLOAD_VIEWS:
        kwargs = {"reference": "K-000001"} if "reply" in name or "files" in name else {}
        assert reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("path", "files"), UPLOAD_PATHS)
async def test_an_upload_announcing_more_than_its_cap_is_refused_unread(
    path: str, files: int
) -> None:
    length = str(upload_cap(files) + 1).encode()
    communicator = open_request(path, [(b"content-length", length), (b"accept-language", b"zh-CN")])
    # No body is sent at all: an answer proves the application never waited for one.
    status, headers, body = await response(communicator)
    assert status == 413
    assert headers[b"connection"] == b"close"
    error = json.loads(body)
    error = error.get("error", error)
    assert error["code"] == "request_too_large"
    assert "每个文件最大" in error["message"]


@pytest.mark.parametrize(("path", "files"), UPLOAD_PATHS)
async def test_an_upload_streamed_past_its_cap_is_cut_off_there(path: str, files: int) -> None:
    cap = upload_cap(files)
    communicator = open_request(path, [])
    sent = await stream_until_answered(communicator, limit=cap + 8 * MB)
    status, _, _ = await response(communicator)
    assert status == 413
    assert cap < sent <= cap + MB


async def test_a_body_cut_off_leaves_no_temporary_file_open() -> None:
    """Past FILE_UPLOAD_MAX_MEMORY_SIZE Django spools the body to a temporary file; cut
    off, that file must be closed, not left for the garbage collector to warn about."""
    path, files = UPLOAD_PATHS[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        communicator = open_request(path, [])
        await stream_until_answered(communicator, limit=upload_cap(files) + 8 * MB)
        assert (await response(communicator))[0] == 413
        del communicator
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


@pytest.mark.parametrize("path", OTHER_PATHS)
async def test_a_body_without_files_is_capped_at_the_small_limit(path: str) -> None:
    small = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    announced = open_request(path, [(b"content-length", str(small + 1).encode())])
    assert (await response(announced))[0] == 413
    streamed = open_request(path, [])
    sent = await stream_until_answered(streamed, limit=small + 8 * MB)
    assert (await response(streamed))[0] == 413
    assert small < sent <= small + MB


@pytest.mark.parametrize(("path", "files"), UPLOAD_PATHS)
async def test_an_upload_path_takes_a_body_larger_than_the_small_limit(
    path: str, files: int
) -> None:
    """Past DATA_UPLOAD_MAX_MEMORY_SIZE but within the upload cap: Django gets the request
    (and refuses it for other reasons here: no session, no token, no CSRF cookie). The
    body Django spooled to a temporary file is closed once it has answered."""
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MB
    headers = [(b"content-length", str(size).encode()), (b"content-type", b"text/plain")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        communicator = open_request(path, headers)
        for _ in range(size // MB):
            await communicator.send_input(
                {"type": "http.request", "body": b"x" * MB, "more_body": True}
            )
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        status, _, _ = await response(communicator)
        del communicator
        gc.collect()
    assert status != 413
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_the_refusal_is_a_page_for_a_browser_and_readable_by_the_widget() -> None:
    length = str(upload_cap(1) + 1).encode()
    page = open_request(
        "/portal/tickets/new/",
        [(b"content-length", length), (b"accept", b"text/html"), (b"accept-language", b"zh-TW")],
    )
    status, headers, body = await response(page)
    assert status == 413
    assert headers[b"content-type"].startswith(b"text/html")
    assert "每個檔案最大" in body.decode()
    chat = open_request("/chat/upload/", [(b"content-length", length)])
    status, headers, body = await response(chat)
    assert headers[b"access-control-allow-origin"] == b"*"
    assert json.loads(body)["code"] == "request_too_large"


# ---------------------------------------------------------------- a real server process


@dataclass(frozen=True)
class Served:
    port: int
    pid: int
    temp_dir: Path
    inbox: int
    session: str


SETUP = """
import json
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.webchat.identity import issue_session
inbox = Inbox.objects.create(name="Chat", channel=Channel.WEBCHAT)
print(json.dumps({"inbox": inbox.pk, "session": issue_session(inbox.pk, "visitor-1")}))
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """uvicorn in its own process group on a SQLite database, stopped with its group."""
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    env = {
        **os.environ,
        "KEFU_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
        "TMPDIR": str(temp_dir),
    }
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL"):
        env.pop(name, None)
    kefu = [sys.executable, "-m", "kefu.cli"]
    subprocess.run([*kefu, "migrate", "-v0"], env=env, check=True)
    setup = subprocess.run(
        [*kefu, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    ids = json.loads(setup.stdout.strip().splitlines()[-1])
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "kefu.asgi:application", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/chat/config/?inbox={ids['inbox']}", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield Served(port, process.pid, temp_dir, ids["inbox"], ids["session"])
    finally:
        with contextlib.suppress(ProcessLookupError):  # the whole group already ended
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class PeakMemory:
    """The highest resident size of a process while the block runs, sampled in a thread
    (the memory a whole body takes is given back once the request ends)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = rss_bytes(pid)
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.01)

    def __enter__(self) -> "PeakMemory":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()


@dataclass
class Upload:
    sent: int = 0
    answer: bytes = b""


def upload(port: int, path: str, total: int, result: Upload, *, chunked: bool) -> None:
    """Send a `total`-byte body as fast as the server takes it, reading the answer meanwhile;
    stop as soon as the answer is in."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "Content-Type: multipart/form-data; boundary=b\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n"
    block = b"\0" * 256 * 1024
    if chunked:
        block = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head.encode())
        pending = memoryview(block)
        while result.sent < total and b"\r\n\r\n" not in result.answer:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                data = sock.recv(65536)
                if not data:
                    break
                result.answer += data
            elif writable:
                try:
                    count = sock.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    break
                result.sent += count
                pending = pending[count:] or memoryview(block)
            else:
                break
        sock.settimeout(5)
        while b"\r\n\r\n" not in result.answer:
            data = sock.recv(65536)
            if not data:
                break
            result.answer += data


@pytest.mark.multiprocess
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_four_uploads_of_300_mb_are_refused_early_and_do_not_grow_the_server(
    served: Served, chunked: bool
) -> None:
    """The issue's repro: 4 × 300 MB to /chat/upload/ at once grew the server by 545 MB."""
    total = 300 * MB
    # One ordinary upload first, so the baseline includes everything a first request loads.
    ok = httpx.post(
        f"http://127.0.0.1:{served.port}/chat/upload/",
        data={"inbox": str(served.inbox), "session": served.session},
        files={"file": ("note.txt", b"hello", "text/plain")},
    )
    assert ok.status_code == 201, ok.text
    before = rss_bytes(served.pid)
    results = [Upload() for _ in range(4)]
    threads = [
        threading.Thread(
            target=upload,
            args=(served.port, "/chat/upload/", total, result),
            kwargs={"chunked": chunked},
        )
        for result in results
    ]
    with PeakMemory(served.pid) as memory:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    growth = memory.peak - before
    for result in results:
        assert result.answer.startswith(b"HTTP/1.1 413"), result.answer[:200]
        assert result.sent < total // 4  # answered long before the body was sent
    # Before the cap, each upload was read whole: the server peaked 950 MB higher.
    assert growth < 32 * MB, f"the server grew by {growth / MB:.0f} MB"
    assert list(served.temp_dir.iterdir()) == []  # nothing left in temporary files


# ---------------------------------------------------------------- bodies Django cannot read


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "accept", "shape"),
    [
        ("/api/v1/conversations/K-000001/messages/multipart", "*/*", "api"),
        ("/chat/upload/", "*/*", "chat"),
        ("/portal/tickets/new/", "text/html", "page"),
        ("/console/c/K-000001/reply/", "text/html", "page"),
    ],
)
def test_a_multipart_body_without_its_boundary_is_a_400_not_a_500(
    path: str, accept: str, shape: str
) -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT=accept, HTTP_ACCEPT_LANGUAGE="en")
    response = client.generic("POST", path, b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    if shape == "page":
        assert "The request body could not be read." in response.content.decode()
        return
    error = response.json()
    error = error.get("error", error)
    assert error == {"code": "malformed_body", "message": "The request body could not be read."}
    if shape == "chat":
        assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_too_much_form_data_is_a_413_in_the_apis_shape(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/conversations/K-000001/messages/multipart", {"text": "字" * 1000}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
