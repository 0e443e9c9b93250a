"""The `kefu triage --jsonl` contract (DESIGN.md section 6): one answer line per input line."""

from typing import Any, TextIO

from kefu.helpcenter.triage.classify import triage
from kefu.safety.jsonl import map_jsonl


def _answer(text: str) -> dict[str, Any]:
    result = triage(text)
    return {
        "intent": result.intent,
        "confidence": result.confidence,
        "language": result.language,
        "articles": [{"slug": link.slug, "title": link.title} for link in result.articles],
    }


def triage_jsonl(stdin: TextIO, stdout: TextIO) -> int:
    """Triage each `{"id", "text"}` line.

    Answers `{"id", "intent", "confidence", "language", "articles": [{"slug", "title"}]}`.
    """
    return map_jsonl(stdin, stdout, _answer)
