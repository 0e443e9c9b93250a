"""The guard's view of a reply: each disguise undone, everything else left as it was."""

import sys
import unicodedata

import pytest

from kefu.safety.guard_normalize import fold_characters, guard_view
from kefu.safety.guard_vocabulary import (
    HAN_WORDS,
    LATIN_WORDS,
    LINKING_WORDS,
    PINYIN_INITIALS,
    PINYIN_WORDS,
)

ADDRESS = "0x52908400098527886E0F7030069857D2E4169EE7"
TRON = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
TX_HASH = "0x3f5a9c0e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f"


@pytest.mark.parametrize(
    ("disguised", "word"),
    [
        # letters and characters spaced out
        ("r e c o v e r y  p h r a s e", "recovery phrase"),
        ("s e n d m e y o u r s e e d p h r a s e", "send me your seed phrase"),
        ("N e v e r  s h a r e", "never share"),
        ("助 记 词", "助记词"),
        ("助 記 詞", "助記詞"),
        ("千 万 不 要 把 助 记 词 给 任 何 人", "千万不要把助记词给任何人"),
        # separated by punctuation
        ("助 . 记 . 词", "助记词"),
        ("助.记.词", "助记词"),
        ("助/记/词", "助记词"),
        ("助、記、詞", "助記詞"),
        ("s-e-e-d", "seed"),
        ("p_a_s_s_w_o_r_d", "password"),
        ("s.e.e.d p.h.r.a.s.e", "seed phrase"),
        ("p|a|s|s", "pass"),
        ("⒮⒠⒠⒟", "seed"),
        ("send_me_your_seed", "send me your seed"),
        # cut by a space or a line break
        ("验 证码", "验证码"),
        ("驗證\n碼", "驗證碼"),
        ("私 钥", "私钥"),
        ("pass word", "password"),
        ("seed phr ase", "seed phrase"),
        ("pass\nword", "password"),
        ("team view er", "teamviewer"),
        # leetspeak and symbols
        ("pr1vate k3y", "private key"),
        ("pa$$word", "password"),
        ("p@ssw0rd", "password"),
        ("s33d phr4se", "seed phrase"),
        ("2fa c0de", "2fa code"),
        ("wa11et", "wallet"),
        ("wh1te1ist", "whitelist"),
        ("what's ur pa55word", "what's your password"),
        # pinyin, with or without spaces, tone marks or tone numbers
        ("zhu ji ci", "助记词"),
        ("zhujici", "助记词"),
        ("zhù jì cí", "助记词"),
        ("zhu4-ji4-ci2", "助记词"),
        ("si yao", "私钥"),
        ("mi ma", "密码"),
        ("yan zheng ma", "验证码"),
        ("yanzhengma", "验证码"),
        ("zjc", "助记词"),
        ("yzm", "验证码"),
        ("把mm发我", "把密码发我"),
        ("z h u j i c i", "助记词"),
    ],
)
def test_a_disguised_word_reads_as_the_word(disguised: str, word: str) -> None:
    assert guard_view(disguised) == word


@pytest.mark.parametrize(
    ("disguised", "word"),
    [
        ("ｐａｓｓｗｏｒｄ", "password"),
        ("𝐬𝐞𝐞𝐝 𝐩𝐡𝐫𝐚𝐬𝐞", "seed phrase"),
        ("𝓶𝓷𝓮𝓶𝓸𝓷𝓲𝓬", "mnemonic"),
        ("ⓢⓔⓔⓓ", "seed"),
        ("🅂🄴🄴🄳", "seed"),
        ("ᵖᵃˢˢʷᵒʳᵈ", "password"),
        ("⼝令", "口令"),
        ("向⽇葵", "向日葵"),
        ("p\u0430ssw\u043erd", "password"),  # Cyrillic а, о
        ("\u0455\u0435\u0435d", "seed"),  # Cyrillic ѕ, е
        ("\u03c1assword", "password"),  # Greek ρ
        ("\u039f\u03a4\u03a1", "otp"),  # Greek capitals
        ("\u1d18\u1d00ss\u1d21\u1d0f\u0280\u1d05", "password"),  # small capitals
        ("re\u0301covery", "recovery"),
        ("pass\ufe0fword", "password"),
        ("Team\u3164Viewer", "teamviewer"),
        ("Any\uffa0Desk", "anydesk"),
        ("\ua731\u1d07\u1d07\u1d05", "seed"),  # small capitals outside the phonetic block
        ("Don\u2019t", "don't"),
    ],
)
def test_look_alike_and_decorated_letters_fold_to_plain_ones(disguised: str, word: str) -> None:
    assert fold_characters(disguised) == word


def test_every_format_character_is_removed() -> None:
    invisible = [
        chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
    ]
    assert len(invisible) > 150
    for char in invisible:
        assert fold_characters(f"pass{char}word") == "password", hex(ord(char))


@pytest.mark.parametrize(
    "mark", ["\u0300", "\u0301", "\u034f", "\u0489", "\u20dd", "\ufe00", "\ufe0f", "\U000e0100"]
)
def test_combining_marks_and_variation_selectors_are_removed(mark: str) -> None:
    assert fold_characters(f"se{mark}ed") == "seed"


@pytest.mark.parametrize(
    "text",
    [
        f"Please send 100 USDT-TRC20 to {TRON}, tx {TX_HASH}.",
        f"Your deposit address is {ADDRESS.lower()}.",
        "see https://etherscan.io/tx/0xab12cd34 and kefu-exchange.com/help/2fa-reset",
        "your uid 10293847 and order a1b2c3, bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
        "enable 2fa, the m3 chip, 5mm, mm/dd/yyyy, pln 100, usdt-erc20 and bep20",
        "email support@kefu-exchange.com or call +86 400-123-4567",
        "i have a question about plan a or b",
        "请提供订单号和交易哈希。\n谢谢您的耐心",
    ],
)
def test_ordinary_text_keeps_its_digits_and_spaces(text: str) -> None:
    assert guard_view(text) == text.lower()


def test_a_line_break_between_sentences_stays() -> None:
    assert guard_view("提现已到账\n谢谢") == "提现已到账\n谢谢"


def test_two_letter_initials_need_a_chinese_neighbour() -> None:
    assert guard_view("把mm发我") == "把密码发我"
    assert guard_view("日期格式为mm/dd") == "日期格式为mm/dd"
    assert guard_view("厚度 7.9mm") == "厚度 7.9mm"
    assert guard_view("the mm value") == "the mm value"


def test_the_vocabulary_has_no_two_words_that_fold_alike() -> None:
    words = LATIN_WORDS | LINKING_WORDS
    for word in words:
        assert word == word.lower(), word
        assert word.isascii(), word
    leet = "4@31!|l05$789"
    plain = "aaeiiiiosstbg"
    folded = [word.translate(str.maketrans(leet, plain)) for word in words]
    assert len(set(folded)) == len(folded)


def test_every_pinyin_spelling_stands_for_one_word() -> None:
    spellings = ["".join(syllables) for syllables in PINYIN_WORDS.values()]
    assert len(set(spellings)) == len(spellings)
    assert not set(spellings) & set(PINYIN_INITIALS)
    assert not set(spellings) & (LATIN_WORDS | LINKING_WORDS)


def test_every_chinese_word_is_chinese() -> None:
    for word in HAN_WORDS:
        assert len(word) >= 2
        assert all("\u3400" <= char <= "\u9fff" for char in word), word
