import random
import subprocess
import sys
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from kefu.safety.findings import KINDS, Finding
from kefu.safety.markers import MARKERS
from kefu.safety.redaction import Redaction, redact
from tests.safety import vectors

ROOT = Path(__file__).resolve().parents[2]
PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))
PHRASE_ZH = "".join(Mnemonic("chinese_simplified").to_mnemonic(bytes(range(100, 116))).split())


def test_clean_text_comes_back_unchanged() -> None:
    result = redact("提币一直没到账，订单号 202406011234567890")
    assert result == Redaction(text="提币一直没到账，订单号 202406011234567890", findings=())
    assert not result.found


def test_the_secret_is_replaced_and_only_its_kind_kept() -> None:
    text = f"客服你好，我的钱包打不开了，助记词是 {PHRASE}，帮我看看"
    result = redact(text)
    assert result.text == "客服你好，我的钱包打不开了，助记词是 [助记词已移除]，帮我看看"
    assert result.findings == (
        Finding("recovery_phrase", text.index(PHRASE), text.index(PHRASE) + len(PHRASE)),
    )
    assert result.found
    assert PHRASE not in repr(result)


@pytest.mark.parametrize(
    ("language", "marker"),
    [
        ("zh-Hans", "[助记词已移除]"),
        ("zh-Hant", "[助記詞已移除]"),
        ("en", "[recovery phrase removed]"),
        ("zh-hant", "[助記詞已移除]"),
        ("zh_TW", "[助記詞已移除]"),
        ("en-US", "[recovery phrase removed]"),
    ],
)
def test_the_marker_follows_the_given_language(language: str, marker: str) -> None:
    assert redact(f"seed {PHRASE}", language).text == f"seed {marker}"


def test_the_language_is_detected_when_not_given() -> None:
    assert redact(f"我的助記詞是{PHRASE_ZH}，謝謝").text == "我的助記詞是[助記詞已移除]，謝謝"
    assert redact(f"我的助记词是{PHRASE_ZH}，谢谢").text == "我的助记词是[助记词已移除]，谢谢"
    assert redact(f"my phrase {PHRASE}").text == "my phrase [recovery phrase removed]"


def test_several_secrets_in_one_message() -> None:
    rng = random.Random(1)
    key = vectors.wif(rng)
    text = f"seed: {PHRASE}\nkey {key}\npassword: Hunter2-Secret! 验证码 123456"
    result = redact(text, "en")
    assert [f.kind for f in result.findings] == [
        "recovery_phrase", "private_key", "password", "one_time_code",
    ]  # fmt: skip
    for finding in result.findings:
        assert text[finding.start : finding.end] not in result.text
    assert result.text.count("removed]") == 4


def test_overlapping_findings_keep_the_larger_secret() -> None:
    text = '{"crypto": {"ciphertext": "ab", "kdf": "scrypt", "password": "hunter2hunter2"}}'
    result = redact(text)
    assert [f.kind for f in result.findings] == ["keystore"]


def test_every_kind_has_a_marker_in_every_language() -> None:
    assert set(MARKERS) == set(KINDS)
    for markers in MARKERS.values():
        assert set(markers) == {"zh-Hans", "zh-Hant", "en"}
        assert all(marker.startswith("[") and marker.endswith("]") for marker in markers.values())


def test_the_library_imports_without_django() -> None:
    code = (
        "import sys, kefu.safety.redaction, kefu.safety.outbound_guard, kefu.safety.links, "
        "kefu.safety.jsonl; print(any(m.startswith('django') for m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert output.stdout.strip() == "False"
