"""Text files customers attach (logs, CSV exports, notes, JSON): which files are text, and
their text, read strictly so that it can be screened and written back in its encoding.

A text file is recognised by what its bytes are: a name or declared type that says text
is only the invitation to read it, and bytes that do not read as text are not text.
"""

import codecs
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from charset_normalizer import from_bytes

from kefu.core.charsets import ANY_BYTES, DETECTED, codec_for

# The type a text file is kept as, by its name's extension (browsers and mail clients
# declare .log, .md and .json in many ways, or as application/octet-stream)...
_BY_EXTENSION = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}
# ...or, for a name without one of those extensions, by the declared type.
_BY_DECLARED = {
    "text/plain": "text/plain",
    "text/x-log": "text/plain",
    "text/csv": "text/csv",
    "text/comma-separated-values": "text/csv",
    "application/csv": "text/csv",
    "application/json": "application/json",
    "text/json": "application/json",
    "text/markdown": "text/markdown",
    "text/x-markdown": "text/markdown",
}
TEXT_TYPES = frozenset(_BY_EXTENSION.values())

# Byte order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Encodings in which bytes of another legacy encoding can decode without error: GB18030
# reads every Big5 byte pair, and cp1252 reads almost anything.
_LEGACY = tuple(codecs.lookup(name).name for name in DETECTED if name != "utf_8")
# Control characters that text does not hold (tab, line breaks, form feed and the escape
# of coloured log output do occur); one of them means the bytes were not text after all.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass(frozen=True)
class TextFile:
    """A file's text and how to write text back in the same encoding."""

    text: str
    codec: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """`text` in the file's encoding, behind the file's byte order mark if it had one."""
        return self.bom + text.encode(self.codec)


def text_type(filename: str, declared_type: str) -> str:
    """The type a file is kept as if its bytes are text, or "" when nothing says text."""
    extension = posixpath.splitext(filename.lower())[1]
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    return _BY_DECLARED.get(declared_type.partition(";")[0].strip().lower(), "")


def readings(content: bytes, declared_charset: str = "") -> Iterator[TextFile]:
    """Every way the bytes read as text, the likeliest first; none when they do not.

    A byte order mark or valid UTF-8 settles the encoding. Otherwise the declared legacy
    charset or else the detector's choice comes first, followed by the other legacy
    encodings the bytes decode in: GB18030 and Big5 share their byte ranges, so a short
    file or a wrong label can read as the other one, and only the right reading shows
    what the file says. Each reading is decoded only when it is asked for.
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            yield from _strict(content[len(bom) :], codec, bom)
            return
    declared = codec_for(declared_charset)
    if declared in ANY_BYTES:
        declared = None  # a label under which every byte decodes proves nothing
    for label in (declared, "utf-8"):
        if label is not None and label not in _LEGACY and (found := _strict(content, label)):
            yield from found
            return
    if b"\x00" in content:
        return  # binary, or UTF-16/32 without a byte order mark
    first = declared if declared in _LEGACY else _detected(content)
    if first is None:
        return
    for codec in (first, *(other for other in _LEGACY if other != first)):
        yield from _strict(content, codec)


def read_text(content: bytes, declared_charset: str = "") -> TextFile | None:
    """The file's likeliest text, or None when the bytes cannot be read as text."""
    return next(readings(content, declared_charset), None)


def _detected(content: bytes) -> str | None:
    best = from_bytes(content, cp_isolation=DETECTED).best()
    return codec_for(best.encoding) if best is not None else None


def _strict(content: bytes, codec: str, bom: bytes = b"") -> list[TextFile]:
    try:
        text = content.decode(codec)
    except UnicodeDecodeError:
        return []
    if _NOT_TEXT.search(text):
        return []
    return [TextFile(text=text, codec=codec, bom=bom)]
