import json

from kefu.safety.keystore import find_keystores

KEYSTORE = {
    "address": "5d8b0a0a0b4fa9f1c3f1a7b4c0e7b7e8d9a0b1c2",
    "crypto": {
        "cipher": "aes-128-ctr",
        "ciphertext": "b2f5" * 16,
        "cipherparams": {"iv": "0a" * 16},
        "kdf": "scrypt",
        "kdfparams": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": "ab" * 32},
        "mac": "cd" * 32,
    },
    "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6",
    "version": 3,
}


def _found(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find_keystores(text)]


def test_the_whole_object_is_removed() -> None:
    keystore = json.dumps(KEYSTORE)
    assert _found(f"keystore: {keystore} 密码忘了") == [keystore]


def test_old_capitalised_crypto_and_pretty_printing() -> None:
    keystore = json.dumps({"Crypto": KEYSTORE["crypto"], "version": 3}, indent=2)
    assert _found(f"file:\n{keystore}\nthanks") == [keystore]


def test_escaped_json() -> None:
    keystore = json.dumps(KEYSTORE).replace('"', '\\"')
    assert _found(keystore) == [keystore]


def test_a_truncated_keystore_is_removed_to_the_end() -> None:
    keystore = json.dumps(KEYSTORE)[:200]
    assert _found(f"pasted: {keystore}") == [keystore]


def test_json_without_a_keystore_stays() -> None:
    assert _found('{"ciphertext": "talk about encryption", "note": 1}') == []
    assert _found('{"tx": "0xabc", "status": "pending"}') == []
