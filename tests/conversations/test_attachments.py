"""Which files a conversation keeps: decided by what the bytes are, not by their label."""

import codecs
import io
import zipfile

import pytest
from django.utils import translation

from kefu.conversations.attachments import check
from kefu.conversations.inbound import InboundAttachment
from kefu.core.errors import AttachmentRejected
from tests.conversations.test_actions import PNG

LOG = "2024-05-01 12:00:01 INFO 提现请求 W-1042 已提交\r\n2024-05-01 12:00:02 WARN 等待审核\r\n"


@pytest.mark.parametrize(
    ("filename", "declared", "content", "expected"),
    [
        ("notes.txt", "text/plain", LOG.encode(), "text/plain"),
        ("app.log", "application/octet-stream", LOG.encode(), "text/plain"),
        ("app.log", "text/x-log", LOG.encode("gb18030"), "text/plain"),
        (
            "export.csv",
            "application/vnd.ms-excel",
            b"date,amount\r\n2024-05-01,500\r\n",
            "text/csv",
        ),
        ("export.csv", "text/csv", codecs.BOM_UTF8 + "日期,金额\r\n".encode(), "text/csv"),
        ("wallet.json", "application/json", b'{"order": "W-1042"}', "application/json"),
        ("wallet.json", "application/octet-stream", b'{"order": "W-1042"}', "application/json"),
        (
            "steps.md",
            "text/markdown",
            "# 步驟\n\n1. 登入帳戶\n".encode("big5hkscs"),
            "text/markdown",
        ),
        (
            "steps.md",
            "",
            codecs.BOM_UTF16_LE + "# 步骤\r\n".encode("utf-16-le"),
            "text/markdown",
        ),
        # A log line may begin with the two letters of a bitmap's signature.
        ("cars.txt", "text/plain", b"BMW order 1042, ID3 checked\n", "text/plain"),
        # A screenshot under a text name is still a screenshot.
        ("screen.txt", "text/plain", PNG, "image/png"),
    ],
)
def test_text_files_are_accepted_by_what_their_bytes_are(
    filename: str, declared: str, content: bytes, expected: str
) -> None:
    assert check(InboundAttachment(filename, declared, content)) == expected


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("seed.txt", "abandon " * 12)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "declared"),
    [("logs.zip", "application/zip"), ("logs.txt", "text/plain"), ("logs.log", "")],
)
def test_an_archive_is_refused_whatever_it_is_called(filename: str, declared: str) -> None:
    with translation.override("en"), pytest.raises(AttachmentRejected) as refused:
        check(InboundAttachment(filename, declared, _zip()))
    assert "not an allowed file type" in refused.value.message


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "could not be read as text"),
        ("zh-hans", "无法作为文本读取"),
        ("zh-hant", "無法作為文字讀取"),
    ],
)
def test_a_text_file_that_cannot_be_read_is_refused_with_a_clear_message(
    language: str, words: str
) -> None:
    # Latin-1 accents, C1 bytes and CJK lead bytes in no encoding's order.
    garbled = bytes(range(0x80, 0x100)) * 8 + b"\n"
    with translation.override(language), pytest.raises(AttachmentRejected) as refused:
        check(InboundAttachment("notes.txt", "text/plain", garbled))
    assert words in refused.value.message
    assert "notes.txt" in refused.value.message
