"""A logging filter that removes secrets from log records before any handler writes them.

Access logs write every request's path and query string ("GET /help/search/?q=…"),
where a customer may have typed a recovery phrase or pasted a key, and exception
messages can quote input. `LOGGING` puts this filter on its handler, and `kefu serve`
hands uvicorn the same configuration; uvicorn started on its own keeps its handlers and
`kefu.asgi` adds the filter to them.

Each piece of a record is screened once: a marker screened again can be read as the
value of the word before it ("password: [password removed]" would lose its marker).
"""

import logging
import numbers
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, unquote, unquote_plus

if TYPE_CHECKING:
    from kefu.safety.redaction import Redaction

# A request target (path and query, or a whole URL), alone or in an HTTP request line.
_TARGET = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/]*)?/\S*")
_REQUEST_LINE = re.compile(r"([A-Z]+ )(\S+)( HTTP/[0-9.]+)")
# Operators read the logs: markers are in English, and in a URL they are written in a
# URL's form ("[recovery+phrase+removed]") so that the line still splits on spaces.
_LOG_LANGUAGE = "en"
_MARKER_SAFE = "[]="
_DONE = "secrets_redacted"


class RedactSecrets(logging.Filter):
    """Redact a record's message, arguments and traceback; the record is always kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):
            return True  # a second handler with the same filter
        setattr(record, _DONE, True)
        record.msg = _redacted(record.msg) if isinstance(record.msg, str) else _Shown(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_argument(value) for value in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _argument(value) for key, value in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = _redacted(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = _redacted(record.stack_info)
        return True


def filter_uvicorn_handlers() -> None:
    """Add the filter to the handlers uvicorn set up for itself.

    uvicorn started directly (not by `kefu serve`) configures its own logging before it
    loads the application, with handlers that write every request line; they are kept,
    so its options (`--no-access-log`, levels, colours) still hold.
    """
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(existing, RedactSecrets) for existing in handler.filters):
                handler.addFilter(RedactSecrets())


class _Shown:
    """An object logged as an argument, shown without secrets through %s and %r."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return _redacted(str(self.value))

    def __repr__(self) -> str:
        return _redacted(repr(self.value))


def _argument(value: Any) -> Any:
    if isinstance(value, str):
        return scrubbed_text(value)
    if value is None or isinstance(value, numbers.Number):
        return value  # formatted with %d or %f, and holds no text
    return _Shown(value)


def _redact(text: str) -> "Redaction":
    # Imported on the first record, not when logging is configured: every process
    # configures logging at start, and loading the wordlists costs a few hundred ms.
    from kefu.safety.redaction import redact

    return redact(text, _LOG_LANGUAGE)


def _redacted(text: str) -> str:
    result = _redact(text)
    return result.text if result.found else text


def scrubbed_text(text: str) -> str:
    """A logged string without secrets: a request target or request line is screened in
    its decoded parts, anything else as plain text."""
    if _TARGET.fullmatch(text):
        return scrubbed_target(text)
    line = _REQUEST_LINE.fullmatch(text)
    if line is not None:
        return line.group(1) + scrubbed_target(line.group(2)) + line.group(3)
    return _redacted(text)


def scrubbed_target(target: str) -> str:
    """A request target whose decoded path segments and query parameters are screened;
    what holds no secret stays exactly as it was written."""
    path, question, query = target.partition("?")
    path = _scrubbed_parts(path.split("/"), "/", unquote, lambda segment: segment)
    if question:
        query = _scrubbed_parts(
            query.split("&"), "&", unquote_plus, lambda pair: pair.partition("=")[2]
        )
    return path + question + query


def _scrubbed_parts(
    parts: list[str], separator: str, decode: Callable[[str], str], value: Callable[[str], str]
) -> str:
    # A parameter is screened with its name ("private_key=…" says what the value is).
    scrubbed = [_scrubbed_part(part, decode) for part in parts]
    if scrubbed == parts:
        # A phrase typed into several fields or segments is whole only when they are
        # read together; then the values are written as one redacted text.
        together = _redact(" ".join(decode(value(part)) for part in parts))
        if together.found:
            lead = separator if parts[0] == "" else ""
            return lead + quote_plus(together.text.strip(), safe=_MARKER_SAFE)
    return separator.join(scrubbed)


def _scrubbed_part(raw: str, decode: Callable[[str], str]) -> str:
    result = _redact(decode(raw))
    return quote_plus(result.text, safe=_MARKER_SAFE) if result.found else raw
