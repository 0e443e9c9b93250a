"""The `kefu scan --jsonl` and `kefu guard --jsonl` contracts (DESIGN.md section 6).

One JSON object per input line, one JSON line out per input line, flushed at once so a
caller can stream. A line that cannot be read yields an error line and the run goes on; the
error never quotes the input, because the input may be exactly the secret we exist to hide.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from kefu.safety.outbound_guard import check_outbound
from kefu.safety.redaction import redact

_Result = dict[str, Any]


def scan_jsonl(stdin: TextIO, stdout: TextIO) -> int:
    """Redact each `{"id", "text"}` line: `{"id", "redacted", "findings": [...]}` per line."""
    return map_jsonl(stdin, stdout, _scan)


def guard_jsonl(stdin: TextIO, stdout: TextIO) -> int:
    """Check each `{"id", "text"}` line as an agent reply: `{"id", "blocked", "reasons"}`."""
    return map_jsonl(stdin, stdout, _guard)


def _scan(text: str) -> _Result:
    result = redact(text)
    return {
        "redacted": result.text,
        "findings": [
            {"kind": finding.kind, "start": finding.start, "end": finding.end}
            for finding in result.findings
        ],
    }


def _guard(text: str) -> _Result:
    verdict = check_outbound(text)
    return {"blocked": verdict.blocked, "reasons": list(verdict.reasons)}


def map_jsonl(stdin: TextIO, stdout: TextIO, handle: Callable[[str], _Result]) -> int:
    """Answer each `{"id", "text"}` line with `{"id", **handle(text)}` (or an error line)."""
    try:
        for line in _lines(stdin):
            if line is None:
                _write(stdout, {"id": None, "error": "invalid_utf8"})
                continue
            if not line.strip():
                continue
            _write(stdout, _answer(line, handle))
    except OSError:
        return 1
    return 0


def _lines(stdin: TextIO) -> Iterator[str | None]:
    """Lines of input; None for a line that is not UTF-8.

    The byte stream underneath is read when there is one, so that one undecodable line is
    reported instead of ending the run with a UnicodeDecodeError.
    """
    binary = getattr(stdin, "buffer", None)
    if binary is None:
        yield from stdin
        return
    for raw in binary:
        try:
            yield raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            yield None


def _answer(line: str, handle: Callable[[str], _Result]) -> _Result:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return {"id": None, "error": "invalid_json"}
    if not isinstance(record, dict):
        return {"id": None, "error": "not_an_object"}
    identifier = record.get("id")
    text = record.get("text")
    if not isinstance(text, str):
        return {"id": identifier, "error": "missing_text"}
    try:
        return {"id": identifier, **handle(text)}
    except Exception:
        return {"id": identifier, "error": "internal_error"}


def _write(stdout: TextIO, result: _Result) -> None:
    try:
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    except UnicodeEncodeError:
        # Lone surrogates ("\\ud800" in the input) cannot be written as UTF-8; escaped
        # ASCII JSON carries them unchanged.
        stdout.write(json.dumps(result) + "\n")
    stdout.flush()
