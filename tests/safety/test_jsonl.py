import io
import json
from collections.abc import Callable
from typing import TextIO

from mnemonic import Mnemonic

from kefu.safety.jsonl import guard_jsonl, scan_jsonl

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


def _run(
    function: Callable[[TextIO, TextIO], int], text: str
) -> tuple[int, list[dict[str, object]]]:
    stdout = io.StringIO()
    code = function(io.StringIO(text), stdout)
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_scan_contract() -> None:
    line = json.dumps({"id": 7, "text": f"助记词 {PHRASE}"}, ensure_ascii=False)
    code, out = _run(scan_jsonl, line + "\n")
    assert code == 0
    assert out == [
        {
            "id": 7,
            "redacted": "助记词 [recovery phrase removed]",
            "findings": [{"kind": "recovery_phrase", "start": 4, "end": 4 + len(PHRASE)}],
        }
    ]


def test_scan_writes_unicode_not_escapes() -> None:
    stdout = io.StringIO()
    scan_jsonl(io.StringIO('{"id": "a", "text": "你好"}\n'), stdout)
    assert '"你好"' in stdout.getvalue()


def test_guard_contract() -> None:
    lines = "\n".join(
        json.dumps({"id": i, "text": text}, ensure_ascii=False)
        for i, text in enumerate(["请提供您的助记词", "您的提币已到账"])
    )
    code, out = _run(guard_jsonl, lines)
    assert code == 0
    assert out == [
        {"id": 0, "blocked": True, "reasons": ["asks_recovery_phrase"]},
        {"id": 1, "blocked": False, "reasons": []},
    ]


def test_bad_lines_give_errors_without_echoing_the_input() -> None:
    secret_line = f'{{"id": 1, "text": "{PHRASE}"'  # truncated JSON holding a phrase
    text = "\n".join([secret_line, "", "[1, 2]", '{"id": "x"}', '{"id": 3, "text": "ok"}'])
    code, out = _run(scan_jsonl, text)
    assert code == 0
    assert out[0] == {"id": None, "error": "invalid_json"}
    assert out[1] == {"id": None, "error": "not_an_object"}
    assert out[2] == {"id": "x", "error": "missing_text"}
    assert out[3]["id"] == 3
    assert out[3]["redacted"] == "ok"
    assert len(out) == 4  # the blank line is skipped
    assert PHRASE.split()[0] not in json.dumps(out)


def test_undecodable_bytes_are_one_error_line() -> None:
    class Stdin(io.StringIO):
        buffer = io.BytesIO(b'{"id": 1, "text": "\xff\xfe"}\n{"id": 2, "text": "hi"}\n')

    stdout = io.StringIO()
    assert scan_jsonl(Stdin(), stdout) == 0
    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert out == [
        {"id": None, "error": "invalid_utf8"},
        {"id": 2, "redacted": "hi", "findings": []},
    ]


def test_every_line_is_flushed() -> None:
    class Recorder(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            self.flushes += 1

    stdout = Recorder()
    scan_jsonl(io.StringIO('{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n'), stdout)
    assert stdout.flushes == 2
