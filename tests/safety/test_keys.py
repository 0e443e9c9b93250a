import random

import pytest

from kefu.safety.keys import find_keys
from tests.safety import vectors

RNG = random.Random(11)


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in find_keys(text)]


@pytest.mark.parametrize(
    ("version", "compressed"), [(0x80, False), (0x80, True), (0xEF, False), (0xEF, True)]
)
def test_wif_keys_with_a_valid_checksum(version: int, compressed: bool) -> None:
    key = vectors.wif(RNG, version, compressed)
    assert _found(f"exported {key} today") == [("private_key", key)]


def test_wif_with_a_broken_checksum_is_left_alone() -> None:
    key = vectors.wif(RNG)
    broken = key[:-1] + ("2" if key[-1] != "2" else "3")
    assert _found(broken) == []


@pytest.mark.parametrize("prefix", ["xprv", "yprv", "zprv", "tprv"])
def test_extended_private_keys(prefix: str) -> None:
    key = vectors.extended_key(RNG, prefix)
    assert _found(f"{key}") == [("extended_private_key", key)]


@pytest.mark.parametrize("prefix", ["xpub", "ypub", "zpub"])
def test_extended_public_keys_stay(prefix: str) -> None:
    assert _found(f"watch-only {vectors.extended_key(RNG, prefix)}") == []


@pytest.mark.parametrize(
    "lead_in",
    ["私钥：", "私鑰 ", "private key: ", "my priv key is ", "secret key ", "pk=", "key: ", "导出 "],
)
def test_hex_key_when_the_customer_says_key(lead_in: str) -> None:
    key = RNG.randbytes(32).hex()
    assert _found(f"{lead_in}{key}") == [("private_key", key)]
    assert _found(f"{lead_in}0x{key}") == [("private_key", f"0x{key}")]


@pytest.mark.parametrize(
    "text",
    [
        "{h}",
        "0x{h}",
        "TxID: {h}",
        "交易哈希 0x{h}",
        "https://etherscan.io/tx/0x{h}",
        "https://bscscan.com/tx/0x{h}",
        "私钥我没给别人，交易哈希是 {h}",
        "I exported the history. Transaction hash {h}",
    ],
)
def test_hex_that_is_a_transaction_stays(text: str) -> None:
    assert _found(text.format(h=RNG.randbytes(32).hex())) == []


def test_hex_key_named_after_it() -> None:
    key = RNG.randbytes(32).hex()
    assert _found(f"{key} 这是我的私钥") == [("private_key", key)]


def test_solana_secret_key_is_told_from_a_signature() -> None:
    secret = vectors.solana_secret_key(RNG)
    signature = vectors.solana_signature(RNG)
    assert _found(f"Phantom export: {secret}") == [("solana_secret_key", secret)]
    assert _found(f"signature {signature}") == []
    assert _found(f"https://solscan.io/tx/{signature}") == []


def test_solana_key_array() -> None:
    array = vectors.solana_key_array(RNG)
    assert _found(f"id.json: {array}") == [("solana_secret_key", array)]
    assert _found("[" + ", ".join(["300"] * 64) + "]") == []
    assert _found("[" + ", ".join(["1"] * 63) + "]") == []


@pytest.mark.parametrize(
    "address",
    [
        vectors.bitcoin_address(RNG),
        vectors.tron_address(RNG),
        vectors.stellar_address(RNG),
        "0x" + RNG.randbytes(20).hex(),
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "EQDtFpEwcFAEcRe5mLVh2N6C0x-_hJEM7W61_JLnSF74p4q2",
    ],
)
def test_addresses_stay(address: str) -> None:
    assert _found(f"deposit address {address}") == []
