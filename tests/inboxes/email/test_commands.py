"""`kefu email parse --json` (DESIGN §6), run as a separate process like other tooling would."""

import json
import subprocess
import sys

from mnemonic import Mnemonic

from tests.inboxes.email.conftest import corpus

KEYS = {
    "subject", "from", "to", "message_id", "in_reply_to", "references", "language",
    "body_text", "redacted", "attachments", "auto_submitted", "bounce",
}  # fmt: skip


def parse(raw: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kefu.cli", "email", "parse", "--json"],
        input=raw,
        capture_output=True,
        check=False,
    )


def test_the_contract_keys_and_values() -> None:
    run = parse(corpus("23_qq_mail_zh.eml"))
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert set(result) == KEYS
    assert result["subject"] == "回复：[K-000130] 交易纠纷"
    assert result["from"] == "12345678@qq.com"
    assert result["to"] == ["support@kefu.example"]
    assert result["in_reply_to"] == "kefu.130.1@kefu.example"
    assert result["references"] == []
    assert result["language"] == "zh-Hans"
    assert result["body_text"] == "卖家一直不放币，聊天记录截图已经发了。"
    assert result["redacted"] is False
    assert result["auto_submitted"] is False
    assert result["bounce"] is False


def test_attachments_bounces_and_auto_replies() -> None:
    files = json.loads(parse(corpus("14_rfc2047_filename_gb2312.eml")).stdout)["attachments"]
    assert files == [{"filename": "转账截图.png", "content_type": "image/png", "size": 70}]
    assert json.loads(parse(corpus("35_dsn_postfix.eml")).stdout)["bounce"] is True
    assert json.loads(parse(corpus("31_auto_reply_en.eml")).stdout)["auto_submitted"] is True


def test_secrets_are_redacted_in_the_output() -> None:
    phrase = Mnemonic("english").to_mnemonic(bytes(range(16)))
    raw = (
        "From: a@example.com\r\nSubject: my seed\r\nMessage-ID: <s@example.com>\r\n\r\n"
        f"my recovery phrase is {phrase}\r\n"
    ).encode()
    result = json.loads(parse(raw).stdout)
    assert result["redacted"] is True
    assert phrase not in result["body_text"]
    assert " ".join(phrase.split()[:4]) not in result["body_text"]


def test_a_secret_only_in_a_text_attachment_or_the_message_id_is_redacted_too() -> None:
    wif = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"
    raw = (
        f"From: a@example.com\r\nSubject: logs\r\nMessage-ID: <{wif}@example.com>\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nmy log is attached\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; "
        f'filename="app.log"\r\n\r\nDEBUG import key {wif}\r\n--b--\r\n'
    ).encode()
    result = json.loads(parse(raw).stdout)
    assert result["redacted"] is True
    assert wif not in json.dumps(result)
    assert result["attachments"][0]["filename"] == "app.log"


def test_a_malformed_message_still_yields_an_object() -> None:
    run = parse(corpus("42_malformed_base64.eml"))
    assert run.returncode == 0
    assert json.loads(run.stdout)["from"] == "pat@example.com"


def test_nothing_readable_is_a_non_zero_exit_with_an_object() -> None:
    run = parse(b"")
    assert run.returncode != 0
    assert set(json.loads(run.stdout)) == KEYS
    assert b"nothing could be read" in run.stderr
