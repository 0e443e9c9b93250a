"""Which attached files are text, and reading them strictly enough to write them back."""

import codecs

import pytest

from kefu.core.text_files import read_text, readings, text_type

NOTE_HANS = "我的提现还没到账，订单号 W-1042。\r\n请帮忙查一下。\r\n"
NOTE_HANT = "我的提領還沒到帳，訂單號 W-1042。\r\n請幫忙查一下。\r\n"


@pytest.mark.parametrize(
    ("filename", "declared", "expected"),
    [
        ("notes.txt", "text/plain", "text/plain"),
        ("app.log", "application/octet-stream", "text/plain"),
        ("app.LOG", "text/x-log", "text/plain"),
        ("export.csv", "application/vnd.ms-excel", "text/csv"),
        ("export.csv", "", "text/csv"),
        ("wallet.json", "application/octet-stream", "application/json"),
        ("README.md", "text/x-markdown", "text/markdown"),
        ("attachment-1.plain", "text/plain", "text/plain"),
        ("data", "text/csv; charset=gbk", "text/csv"),
        ("data", "application/json", "application/json"),
        ("photo.png", "image/png", ""),
        ("archive.zip", "application/zip", ""),
        ("program.exe", "application/octet-stream", ""),
    ],
)
def test_text_is_named_by_the_extension_first_then_by_the_declared_type(
    filename: str, declared: str, expected: str
) -> None:
    assert text_type(filename, declared) == expected


@pytest.mark.parametrize(
    ("encoded", "codec", "bom"),
    [
        (NOTE_HANS.encode("utf-8"), "utf-8", b""),
        (codecs.BOM_UTF8 + NOTE_HANS.encode("utf-8"), "utf-8", codecs.BOM_UTF8),
        (codecs.BOM_UTF16_LE + NOTE_HANS.encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE),
        (codecs.BOM_UTF16_BE + NOTE_HANS.encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE),
        (NOTE_HANS.encode("gb18030"), "gb18030", b""),
    ],
)
def test_a_file_reads_with_its_encoding_and_writes_back_byte_for_byte(
    encoded: bytes, codec: str, bom: bytes
) -> None:
    reading = read_text(encoded)
    assert reading is not None
    assert (reading.text, reading.codec, reading.bom) == (NOTE_HANS, codec, bom)
    assert reading.encode(reading.text) == encoded


def test_big5_reads_as_big5_and_keeps_its_line_breaks() -> None:
    encoded = NOTE_HANT.encode("big5hkscs")
    reading = read_text(encoded)
    assert reading is not None
    assert (reading.text, reading.codec) == (NOTE_HANT, "big5hkscs")
    assert reading.encode(reading.text) == encoded


def test_a_wrong_legacy_label_comes_first_but_the_right_reading_follows() -> None:
    # Every Big5 byte pair is a valid GB18030 pair: the label decodes without an error
    # into nonsense, so the other reading must be on offer too.
    encoded = NOTE_HANT.encode("big5hkscs")
    found = list(readings(encoded, "gb2312"))
    assert found[0].codec == "gb18030"
    assert found[0].text != NOTE_HANT
    assert NOTE_HANT in [reading.text for reading in found]


def test_a_declared_charset_is_used_for_bytes_without_a_byte_order_mark() -> None:
    encoded = NOTE_HANS.encode("utf-16-le")
    assert read_text(encoded) is None  # NUL bytes and no mark: not text on its own
    reading = read_text(encoded, "UTF-16LE")
    assert reading is not None
    assert reading.text == NOTE_HANS


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),  # a zip archive
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",  # a Windows program
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)) * 4,
        b"log line\x01\x02\x03 with control bytes\n",
    ],
)
def test_bytes_that_are_not_text_are_not_read(content: bytes) -> None:
    assert read_text(content) is None
    assert list(readings(content)) == []


def test_a_log_with_colour_codes_and_tabs_is_text() -> None:
    log = b"\x1b[32mINFO\x1b[0m\tstarted\r\n\x0cpage two\n"
    reading = read_text(log)
    assert reading is not None
    assert reading.encode(reading.text) == log
