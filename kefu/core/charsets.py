"""Turning bytes into text when the declared charset cannot be trusted.

Mail parts and headers (the email adapter) and attached text files (screened by
`safety`) both come from Chinese clients that mislabel their charsets, so the chain
lives here, below both.
"""

import codecs

from charset_normalizer import from_bytes

from kefu.core.null_characters import without_nul

# Chinese mail clients label GBK or GB18030 text as GB2312 and Big5-HKSCS text as Big5;
# the supersets decode everything the subsets do, so the wider codec is always safe.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
}

# Below this many bytes the detector guesses no better than a fixed order.
_DETECTABLE = 64
# The encodings Kefu's customers write in: mainland and Taiwan/Hong Kong Chinese, and
# Western Windows text.
DETECTED = ["gb18030", "big5hkscs", "utf_8", "cp1252"]
# Never trusted as a label: every byte decodes in them, so a wrong label cannot fail.
ANY_BYTES = ("latin-1", "iso8859-1", "cp1252")


def codec_for(label: str | None) -> str | None:
    """Python's codec for a charset label, widened to its superset; None if unknown."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(payload: bytes, declared: str | None) -> str:
    """Decode with the declared charset (widened), else UTF-8, else a detected one.

    A mis-labelled part (GBK text declared as UTF-8 or ISO-8859-1) fails strict decoding
    with its label or decodes to Latin-1 mojibake; either way the detector gets a say.
    U+0000 is dropped from the result: PostgreSQL cannot store it, and a mail must be
    kept rather than refused for it.
    """
    return without_nul(_decoded(payload, declared))


def _decoded(payload: bytes, declared: str | None) -> str:
    codec = codec_for(declared)
    if codec is not None and codec not in ANY_BYTES:
        try:
            return payload.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(payload) < _DETECTABLE:
        # Too short to detect reliably (a raw 8-bit subject): most such mail comes from
        # mainland clients, so GB18030 is the best guess.
        for guess in ("gb18030", "big5hkscs"):
            try:
                return payload.decode(guess)
            except UnicodeDecodeError:
                continue
    best = from_bytes(payload, cp_isolation=DETECTED).best()
    if best is not None:
        return str(best)
    return payload.decode(codec or "utf-8", errors="replace")
