import hashlib

import pytest
from mnemonic import Mnemonic

from kefu.safety import bip39


def test_every_word_list_the_package_ships_is_loaded() -> None:
    assert set(bip39.LANGUAGES) >= {
        "english", "chinese_simplified", "chinese_traditional", "french", "italian",
        "japanese", "korean", "spanish", "czech", "portuguese", "russian", "turkish",
    }  # fmt: skip
    assert all(len(words) == 2048 for words in bip39.WORD_LISTS.values())


@pytest.mark.parametrize("language", bip39.LANGUAGES)
def test_folding_never_merges_two_words_of_one_list(language: str) -> None:
    assert len({bip39.fold(word) for word in bip39.WORD_LISTS[language]}) == 2048


@pytest.mark.parametrize("language", bip39.LANGUAGES)
@pytest.mark.parametrize("strength", [128, 160, 192, 224, 256])
def test_generated_phrases_pass_the_checksum(language: str, strength: int) -> None:
    words = Mnemonic(language).generate(strength).split()
    indices = [bip39.word_index(language, word) for word in words]
    assert None not in indices
    assert bip39.checksum_ok([index for index in indices if index is not None])


def test_checksum_rejects_a_changed_word() -> None:
    indices = [0] * 11 + [3]  # "abandon" x 11 + "about", the BIP39 test vector
    assert bip39.checksum_ok(indices)
    assert not bip39.checksum_ok([0] * 11 + [4])
    assert not bip39.checksum_ok([0] * 11)  # not a standard length


def test_checksum_matches_the_definition() -> None:
    entropy = bytes(range(16))
    words = Mnemonic("english").to_mnemonic(entropy).split()
    assert hashlib.sha256(entropy).digest()  # the definition the function implements
    assert bip39.checksum_ok([bip39.WORD_LISTS["english"].index(word) for word in words])


def test_spellings_people_type_are_found() -> None:
    assert bip39.word_index("spanish", "abaco") == bip39.word_index("spanish", "ábaco")
    assert bip39.word_index("english", "ABANDON") == 0
    assert bip39.word_index("turkish", "KIRPIK") == bip39.word_index("turkish", "kırpık")


def test_the_mangled_russian_word_is_also_found_by_its_real_spelling() -> None:
    mangled = next(w for w in bip39.WORD_LISTS["russian"] if "\ufffd" in w)
    assert bip39.word_index("russian", "снова") == bip39.word_index("russian", mangled)


@pytest.mark.parametrize(
    ("token", "near"),
    [("abandn", True), ("abandonn", True), ("abadnon", True), ("qzxv", False), ("french", False)],
)
def test_near_word(token: str, near: bool) -> None:
    language = "english" if token != "french" else "french"
    assert bip39.near_word(language, token) is near
