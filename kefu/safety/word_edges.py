"""Word boundaries that work in mixed Chinese and English text.

Python's \\b treats Chinese characters as word characters, so in "我的password是…" or
"请安装todesk" there is no boundary before the English word. Customers and agents mix
scripts in every sentence, so the detectors' English words are bounded by ASCII letters
and digits instead.
"""

ASCII_WORD_EDGE = r"(?:(?<![A-Za-z0-9])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?![A-Za-z0-9]))"


def with_ascii_word_edges(source: str) -> str:
    """The regular-expression source with every \\b replaced by an ASCII word edge."""
    return source.replace(r"\b", ASCII_WORD_EDGE)
