"""No secret in a log line: the filter on its own, and the access log of a real server."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from kefu.safety.log_redaction import RedactSecrets, scrubbed_target
from tests.safety.secret_files import HEX_KEY, PHRASE_EN, PHRASE_ZH_HANS, PHRASE_ZH_HANT, WIF

ACCESS_FORMAT = '%s - "%s %s HTTP/%s" %d'


def _record(message: str, args: object = None, name: str = "uvicorn.access") -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args, None)  # type: ignore[arg-type]


def _filtered(record: logging.LogRecord) -> logging.LogRecord:
    assert RedactSecrets().filter(record) is True
    return record


PHRASE_GONE = "[recovery+phrase+removed]"
KEY_GONE = "[private+key+removed]"
SEARCH = "/help/search/?q="
VERIFY = "/portal/verify/?q="
UNTOUCHED = [
    "/help/search/?q=withdrawal+delayed&lang=zh-hans",
    SEARCH + quote_plus("提现 0x" + HEX_KEY),  # a transaction hash is not a key
    "/api/v1/conversations/K-000123/messages?include_notes=true",
]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (f"{SEARCH}{quote_plus(PHRASE_EN)}&page=2", f"{SEARCH}{PHRASE_GONE}&page=2"),
        (SEARCH + quote(PHRASE_EN), SEARCH + PHRASE_GONE),
        (
            SEARCH + quote_plus("助记词 " + PHRASE_ZH_HANS),
            SEARCH + quote_plus("助记词 ") + PHRASE_GONE,
        ),
        (
            SEARCH + quote_plus("助記詞：" + PHRASE_ZH_HANT),
            SEARCH + quote_plus("助記詞：") + PHRASE_GONE,
        ),
        (f"{VERIFY}{WIF}&kind=", f"{VERIFY}{KEY_GONE}&kind="),
        (f"/portal/verify/?private_key={HEX_KEY}", f"/portal/verify/?private_key={KEY_GONE}"),
        (VERIFY + quote_plus("我的私钥 " + HEX_KEY), VERIFY + quote_plus("我的私钥 ") + KEY_GONE),
        (
            VERIFY + quote_plus("密码：Qwe12345"),
            VERIFY + quote_plus("密码：") + "[password+removed]",
        ),
        (f"/help/{quote(PHRASE_EN)}/", f"/help/{PHRASE_GONE}/"),
        # A phrase spread over several fields is found when they are read together.
        (
            "/x/?" + "&".join(f"w{n}={w}" for n, w in enumerate(PHRASE_EN.split())),
            "/x/?" + PHRASE_GONE,
        ),
        # What holds no secret is left exactly as it was written.
        *((target, target) for target in UNTOUCHED),
    ],
)
def test_a_request_target_keeps_everything_but_its_secrets(target: str, expected: str) -> None:
    assert scrubbed_target(target) == expected


def test_an_access_log_record_keeps_its_arguments_for_uvicorns_formatter() -> None:
    path = f"/help/search/?q={quote_plus(PHRASE_EN)}"
    record = _filtered(_record(ACCESS_FORMAT, ("127.0.0.1:5000", "GET", path, "1.1", 200)))
    assert record.args == (
        "127.0.0.1:5000",
        "GET",
        "/help/search/?q=[recovery+phrase+removed]",
        "1.1",
        200,
    )


def test_django_request_warnings_and_dict_arguments_are_redacted() -> None:
    not_found = _filtered(_record("Not Found: %s", (f"/help/{PHRASE_EN}/",), "django.request"))
    assert PHRASE_EN.split()[0] not in not_found.getMessage()
    named = _filtered(_record("lookup of %(value)s", ({"value": f"key {WIF}"},), "kefu"))
    assert named.getMessage() == "lookup of key [private key removed]"


def test_a_secret_in_an_objects_repr_or_an_exception_is_redacted() -> None:
    class Inbound:
        def __repr__(self) -> str:
            return f"Inbound(text='my recovery phrase is {PHRASE_EN}')"

    record = _filtered(_record("stored %r", (Inbound(),), "kefu"))
    assert "abandon amount" not in record.getMessage()
    try:
        int(f"密码：Qwe12345 {PHRASE_ZH_HANS}")
    except ValueError:
        failed = logging.LogRecord(
            "kefu", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    formatted = logging.Formatter().format(_filtered(failed))
    assert "Qwe12345" not in formatted
    assert PHRASE_ZH_HANS.split()[0] + " " + PHRASE_ZH_HANS.split()[1] not in formatted
    assert "ValueError" in formatted


def test_a_malformed_logging_call_is_left_to_the_handler() -> None:
    record = _filtered(_record("%s and %s", ("one",), "kefu"))
    assert record.args == ("one",)


# --- a real server --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "KEFU_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL", "KEFU_LOG_LEVEL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "kefu.cli", "migrate", "-v0"], env=env, check=True)
    return env


UVICORN = ["-m", "uvicorn", "kefu.asgi:application", "--port"]


@pytest.fixture(params=["kefu serve", "uvicorn", "uvicorn --no-access-log"])
def server(
    request: pytest.FixtureRequest, migrated: dict[str, str], tmp_path: Path
) -> Iterator[tuple[str, Path, bool]]:
    """`kefu serve`, and uvicorn started directly (as the benchmarks and scale tests do,
    with its own logging set-up), each in its own process group, stopped with its
    children whatever happens; and whether it writes an access log."""
    port = _free_port()
    command = {
        "kefu serve": ["-m", "kefu.cli", "serve", "--no-worker", "--port", str(port)],
        "uvicorn": [*UVICORN, str(port)],
        "uvicorn --no-access-log": [*UVICORN, str(port), "--no-access-log"],
    }[request.param]
    output = tmp_path / "server.log"
    with output.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, *command],
            env=migrated,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/healthz-not-a-page/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(output.read_text()[-2000:]) from None
                time.sleep(0.2)
        yield url, output, "--no-access-log" not in command
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.multiprocess
def test_the_servers_logs_hold_no_secret_from_a_url(server: tuple[str, Path, bool]) -> None:
    url, output, access_log = server
    searches = [
        f"/help/search/?q={quote_plus(PHRASE_EN)}",
        f"/help/search/?q={quote_plus('我的助记词是 ' + PHRASE_ZH_HANS)}",
        f"/portal/verify/?q={WIF}",
        f"/portal/verify/?q={quote_plus('my private key ' + HEX_KEY)}",
        f"/help/articles/{quote(PHRASE_EN)}/",  # not found: Django warns with the path
    ]
    for path in searches:
        assert httpx.get(url + path, timeout=10).status_code in (200, 404)
    # The access log line of the last request is written after its response is sent.
    last = '"GET /help/articles/' if access_log else "Not Found: /help/articles/"
    deadline = time.monotonic() + 10
    while last not in output.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = output.read_text()
    assert "Not Found: /help/articles/[recovery phrase removed]/" in log
    if access_log:
        assert '"GET /help/search/?q=[recovery+phrase+removed] HTTP/1.1" 200' in log
        assert '"GET /portal/verify/?q=[private+key+removed] HTTP/1.1" 200' in log
    else:  # uvicorn's own option still holds
        assert '"GET ' not in log
    first_words = PHRASE_ZH_HANS.split()[:2]
    needles = [
        PHRASE_EN.split()[0],  # ASCII words look the same in every URL encoding
        WIF[:20],
        HEX_KEY[:32],
        "".join(first_words),
        " ".join(first_words),
        quote_plus(" ".join(first_words)),
        quote("".join(first_words)),
    ]
    for needle in needles:
        assert needle not in log
