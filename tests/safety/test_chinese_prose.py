import json
import random
import re
from pathlib import Path

from mnemonic import Mnemonic

from kefu.safety.chinese_prose import (
    LOG_RANK,
    RANDOM_PHRASE_BAR,
    forms_word,
    links_in_context,
    looks_random,
    randomness,
)

PROSE = [
    "客服你好我昨天晚上在你们平台提了一笔钱到现在已经十几个小时了还没有到账页面上一直显示审核中",
    "請問谷歌驗證器遺失了怎麼辦我換了新手機以後忘記把驗證器轉移過來舊手機已經恢復原廠設定了",
    "我的助记词丢了怎么办当时创建钱包的时候写在一张纸上搬家的时候不小心弄丢了",
]


def test_random_phrases_look_random() -> None:
    rng = random.Random(7)
    for language in ("chinese_simplified", "chinese_traditional"):
        generator = Mnemonic(language)
        phrases = [generator.to_mnemonic(rng.randbytes(16)).split() for _ in range(500)]
        assert sum(not looks_random(phrase) for phrase in phrases) <= 2


def test_customer_service_prose_does_not() -> None:
    for text in PROSE:
        for start in range(len(text) - 12):
            assert not looks_random(list(text[start : start + 12]))


def test_corpus_paragraphs_do_not() -> None:
    # Judged as the detector judges a window cut out of a run: with the dictionary's long
    # words and the words its edges cut (poems, place names, coin names, laughter).
    lines = (Path(__file__).parent / "corpus.jsonl").read_text("utf-8").splitlines()
    negatives = [json.loads(line)["text"] for line in lines if '"kinds": []' in line]
    runs = [run for text in negatives for run in re.findall(r"[\u4e00-\u9fff]{12,}", text)]
    assert len(runs) > 100
    for run in runs:
        for start in range(len(run) - 11):
            window = run[start : start + 12]
            if not all(char in LOG_RANK for char in window):
                continue
            first = max(0, start - 3)
            links, cut = links_in_context(
                run[first : start + 15], start - first, start - first + 12
            )
            score = randomness(sum(LOG_RANK[char] for char in window), 12, links + cut)
            assert score < RANDOM_PHRASE_BAR, window


def test_dictionary_words_and_cut_words_are_links() -> None:
    # "乌鲁木齐" is no common two-character word, but one four-character place name.
    assert links_in_context("新疆乌鲁木齐", 2, 6) == (3, 0)
    # A window that starts inside "钱包" cuts it.
    assert links_in_context("钱包打不开", 1, 5)[1] == 1
    # Words of the trade that the general dictionary splits.
    assert links_in_context("泰达币狗狗币", 0, 6)[0] == 4  # all but 币|狗
    # Traditional characters are read through the simplified list.
    assert links_in_context("新疆烏魯木齊", 2, 6) == (3, 0)


def test_common_words_are_known() -> None:
    assert forms_word("提", "币") or forms_word("到", "账") or forms_word("钱", "包")
    assert forms_word("錢", "包") == forms_word("钱", "包")  # traditional shares indices
