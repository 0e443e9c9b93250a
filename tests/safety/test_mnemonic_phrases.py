import random
import unicodedata
from collections.abc import Callable

import pytest
from mnemonic import Mnemonic

from kefu.safety import bip39
from kefu.safety.mnemonic_phrases import find_recovery_phrases

STRENGTH = {12: 128, 15: 160, 18: 192, 21: 224, 24: 256}
# Seeded, so that a failure shows again on the next run.
RNG = random.Random(20240601)


def _phrase(language: str, words: int = 12) -> list[str]:
    # Phrases with the mangled Russian word are left out: no customer types it.
    while True:
        entropy = RNG.randbytes(STRENGTH[words] // 8)
        phrase = Mnemonic(language).to_mnemonic(entropy).split()
        if not any("\ufffd" in word for word in phrase):
            return phrase


def _spans(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find_recovery_phrases(text)]


@pytest.mark.parametrize("language", bip39.LANGUAGES)
@pytest.mark.parametrize("words", sorted(STRENGTH))
def test_every_list_and_length_is_found_exactly(language: str, words: int) -> None:
    separator = "\u3000" if language == "japanese" else " "
    phrase = separator.join(_phrase(language, words))
    assert _spans(f"my seed phrase is {phrase}") == [phrase]


@pytest.mark.parametrize(
    "layout",
    [
        lambda w: " ".join(w),
        lambda w: ", ".join(w),
        lambda w: "\n".join(w),
        lambda w: " ".join(x.upper() for x in w),
        lambda w: " ".join(x.capitalize() for x in w),
        lambda w: "\n".join(f"{i}. {x}" for i, x in enumerate(w, 1))[3:],
        lambda w: " ".join(f"{i}){x}" for i, x in enumerate(w, 1))[2:],
        lambda w: " ".join(f"{i}-{x}" for i, x in enumerate(w, 1))[2:],
    ],
    ids=["spaces", "commas", "lines", "upper", "title", "numbered", "paren", "dash"],
)
def test_english_layouts(layout: Callable[[list[str]], str]) -> None:
    phrase = layout(_phrase("english"))
    assert _spans(f"Hi, here it is: {phrase}") == [phrase]


@pytest.mark.parametrize("language", ["chinese_simplified", "chinese_traditional"])
@pytest.mark.parametrize("separator", [" ", "，", "、", ",", "\n", ""])
def test_chinese_with_any_separator(language: str, separator: str) -> None:
    phrase = separator.join(_phrase(language))
    assert _spans(f"你好，助记词是{phrase}，帮我看看") == [phrase]


@pytest.mark.parametrize("language", ["chinese_simplified", "chinese_traditional"])
def test_chinese_without_separators_or_context(language: str) -> None:
    phrase = "".join(_phrase(language, 18))
    assert _spans(phrase) == [phrase]
    assert _spans(f"在吗。{phrase}。") == [phrase]


def test_chinese_with_prose_attached_is_cut_at_the_phrase() -> None:
    hits = 0
    for _ in range(50):
        phrase = "".join(_phrase("chinese_simplified"))
        spans = _spans(f"我的助记词是{phrase}帮我查一下")
        assert spans
        assert phrase in spans[0]
        hits += spans == [phrase]
    assert hits >= 45  # a longer window passes the checksum by chance now and then


def test_one_typo_with_context_is_still_a_phrase() -> None:
    for _ in range(30):
        words = _phrase("english")
        position = RNG.randrange(12)
        words[position] = words[position][:-1] + "q"
        phrase = " ".join(words)
        assert _spans(f"my recovery phrase: {phrase}, is it valid?") == [phrase]


def test_spanish_without_accents_and_decomposed_french() -> None:
    spanish = " ".join(
        "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
        for w in _phrase("spanish")
    )
    french = " ".join(unicodedata.normalize("NFD", w) for w in _phrase("french"))
    assert _spans(f"frase: {spanish}") == [spanish]
    assert _spans(f"phrase : {french}") == [french]


def test_a_chinese_phrase_typed_partly_in_the_other_script() -> None:
    words = _phrase("chinese_simplified")
    traditional = Mnemonic("chinese_traditional").wordlist
    simplified = Mnemonic("chinese_simplified").wordlist
    mixed = [traditional[simplified.index(w)] if i % 3 == 0 else w for i, w in enumerate(words)]
    phrase = " ".join(mixed)
    assert _spans(f"助记词 {phrase}") == [phrase]


def test_turkish_in_capitals() -> None:
    phrase = " ".join(w.upper() for w in _phrase("turkish"))
    assert _spans(phrase) == [phrase]


def test_the_famous_test_vectors_are_phrases() -> None:
    abandon = "abandon " * 11 + "about"
    zoo = "zoo " * 11 + "wrong"
    assert _spans(abandon) == [abandon]
    assert _spans(zoo) == [zoo]


@pytest.mark.parametrize(
    "text",
    [
        "I want to buy a token and move it to my wallet",
        "please check again because the amount seems wrong and the balance did not change",
        "I wrote my 12 words on paper",
        "should I share my seed phrase with support?",
        "我的助记词丢了怎么办",
        "我的助记词丢了怎么办？当时创建钱包的时候写在一张纸上，搬家的时候不小心弄丢了，现在手机上的钱包还"
        "可以正常打开，里面还有一些币。我是不是应该赶紧把币转到一个新的钱包里面？",
        "客服你好，我昨天晚上在你们平台提了一笔USDT，到现在已经十几个小时了还没有到账，页面上一直显示审核中",
        "助记词是12个单词还是24个？",
    ],
)
def test_prose_is_not_a_phrase(text: str) -> None:
    assert find_recovery_phrases(text) == []


def test_offsets_are_into_the_original_text() -> None:
    phrase = " ".join(_phrase("english"))
    text = f"前面有中文，seed: {phrase} 后面也有"
    (finding,) = find_recovery_phrases(text)
    assert text[finding.start : finding.end] == phrase
    assert finding.kind == "recovery_phrase"


# --- a Chinese phrase typed without separators in the middle of a sentence -------------

# Where a customer puts the phrase: set apart by spaces, punctuation, Latin text or
# digits, glued to the words around it, at the start or the end of the message.
PLACEMENTS = {
    "spaces around": ("这是我的钱包 ", " 帮我看看"),
    "glued both sides": ("这是我的钱包", "帮我看看"),
    "glued before": ("请问这个能恢复吗", "。"),
    "glued after": ("好的：", "帮我查一下余额"),
    "at the start": ("", "帮我看看是不是这个"),
    "at the end": ("我刚才导出的是", ""),
    "after latin text": ("imToken钱包", "，谢谢"),
    "before digits": ("第一行", "2024年抄的"),
    "traditional glued": ("這是我的錢包", "幫我看看"),
    "traditional spaces": ("麻煩看一下 ", " 謝謝"),
    "english around": ("hi, my wallet words ", " please check"),
}


@pytest.mark.parametrize("language", ["chinese_simplified", "chinese_traditional"])
@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_an_unseparated_phrase_is_found_wherever_it_stands(language: str, placement: str) -> None:
    before, after = PLACEMENTS[placement]
    exact = 0
    for words in sorted(STRENGTH) * 8:
        phrase = "".join(_phrase(language, words))
        text = f"{before}{phrase}{after}"
        start = len(before)
        findings = find_recovery_phrases(text)
        # Found every time. Glued to prose, a window shifted by a character or two passes
        # the checksum now and then and reads as random as the phrase (about 1 in 200
        # in bench/scan_classes.py): the place is exact nearly always, not always.
        assert any(f.start < start + len(phrase) and start < f.end for f in findings), text
        exact += [(f.start, f.end) for f in findings] == [(start, start + len(phrase))]
    assert exact >= 38


# The BIP39 reference vectors and other entropy made of one repeated group of bytes: the
# phrases are of low variety ("的的的…在") or made of common characters ("壤对据人三…").
PATTERNS = [
    b"\x00",
    b"\x7f",
    b"\x80",
    b"\xff",
    b"\x01\x02",
    b"\x00\xff",
    b"\x00\x00\x01",
    b"\xde\xad\xbe\xef",
]


@pytest.mark.parametrize("language", ["chinese_simplified", "chinese_traditional"])
@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda pattern: pattern.hex())
@pytest.mark.parametrize("words", sorted(STRENGTH))
def test_a_low_variety_phrase_is_found_wherever_it_stands(
    language: str, pattern: bytes, words: int
) -> None:
    entropy = (pattern * 32)[: STRENGTH[words] // 8]
    phrase = "".join(Mnemonic(language).to_mnemonic(entropy).split())
    for before, after in PLACEMENTS.values():
        assert _spans(f"{before}{phrase}{after}") == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        "哈哈哈哈哈哈哈哈哈哈哈哈",
        "哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈笑死我了",
        "好好好好好好好好好好好好好好好，我知道了",
        "急急急急急急急急急急急急急急急急急急急急急急急急",
        "的的的的的的的的的的的的",
        "谢谢谢谢谢谢谢谢谢谢谢谢你们",
    ],
)
def test_repeated_characters_in_prose_are_not_a_phrase(text: str) -> None:
    assert find_recovery_phrases(text) == []


# --- English phrases in sentences, low variety, numbered lists ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "help help help help help help help help help help help help",
        "test test test test test test test test test test test test",
        "please please please please please please please please please please please please",
        "救命 wait wait wait wait wait wait wait wait wait wait wait wait wait wait",
    ],
)
def test_one_english_word_said_over_and_over_is_not_a_phrase(text: str) -> None:
    assert find_recovery_phrases(text) == []


@pytest.mark.parametrize(
    "entropy", [b"\x00" * 16, b"\xff" * 16, b"\x7f" * 24, b"\x80" * 32], ids=lambda e: e.hex()
)
def test_an_english_test_vector_is_not_stretched_over_the_word_before(entropy: bytes) -> None:
    # "abandon" and other words are in the French list too: "phrase abandon … abandon"
    # is twelve French list words, which must not stretch the valid English phrase.
    phrase = Mnemonic("english").to_mnemonic(entropy)
    for text in (f"test phrase {phrase} ok?", f'Is "{phrase}" a real wallet?'):
        assert _spans(text) == [phrase]


def test_a_long_valid_phrase_is_not_stretched_by_a_typo_guess() -> None:
    for _ in range(20):
        phrase = " ".join(_phrase("english", 21))
        # "box" and "please" are list words, "advise" is one letter from "advice".
        assert _spans(f"got this from the box:{phrase};please advise") == [phrase]


@pytest.mark.parametrize("language", ["english", "chinese_simplified", "chinese_traditional"])
@pytest.mark.parametrize("words", [12, 18, 24])
def test_a_numbered_list_ends_at_its_last_number(language: str, words: int) -> None:
    phrase = _phrase(language, words)
    lines = "\n".join(f"{i}. {word}" for i, word in enumerate(phrase, 1))
    expected = lines[3:]  # from the first word on
    assert _spans(f"Backup sheet:\n{lines}\nWhat now?") == [expected]
    hashed = ", ".join(f"#{i} {word}" for i, word in enumerate(phrase, 1))
    assert _spans(f"see {hashed}, is it right") == [hashed[3:]]
