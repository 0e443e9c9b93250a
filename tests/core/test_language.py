import pytest

from kefu.core.language import chinese_script, detect_language, normalize_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("提币一直没到账，请帮我查一下", "zh-Hans"),
        ("提幣一直沒到帳，請幫我查一下", "zh-Hant"),
        ("My withdrawal has been pending for two days", "en"),
        ("USDT没到账", "zh-Hans"),
        ("我的 TRC20 地址填错了，USDT 转到 TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE 了", "zh-Hans"),
        ("Hi, I am 王伟, my withdrawal is stuck since Monday, please help", "en"),
        ("hello 你好", "zh-Hans"),
        ("你好", "zh-Hans"),
        ("謝謝", "zh-Hant"),
        ("", "en"),
        ("12345 !!!", "en"),
        ("請問帳號被鎖定了怎麼辦", "zh-Hant"),
        ("账号被锁定了怎么办", "zh-Hans"),
        (
            "I pasted this: 客服您好，我的帳戶今天早上突然登入不了，提示密碼錯誤次數過多",
            "zh-Hant",
        ),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_ambiguous_chinese_defaults_to_simplified() -> None:
    assert detect_language("中文") == "zh-Hans"  # the same in both scripts
    assert chinese_script(list("中文")) == "zh-Hans"


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("zh-Hans", "zh-Hans"),
        ("zh-hant", "zh-Hant"),
        ("zh_TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("en-GB", "en"),
        ("EN", "en"),
    ],
)
def test_normalize_language(code: str, language: str) -> None:
    assert normalize_language(code, "") == language


def test_unknown_or_missing_codes_fall_back_to_detection() -> None:
    assert normalize_language(None, "提幣") == "zh-Hant"
    assert normalize_language("fr", "hello") == "en"


def test_it_is_fast() -> None:
    import time

    text = "提币一直没到账，请帮我查一下 USDT TRC20 " * 40
    started = time.perf_counter()
    for _ in range(1000):
        detect_language(text)
    assert (time.perf_counter() - started) / 1000 < 0.002
