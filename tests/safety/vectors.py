"""Valid keys and addresses for the tests, made with the same checksums wallets use."""

import base64
import json
import random

import base58

from kefu.safety.ed25519 import public_key

_VERSIONS = {
    "xprv": "0488ade4",
    "yprv": "049d7878",
    "zprv": "04b2430c",
    "tprv": "04358394",
    "xpub": "0488b21e",
    "ypub": "049d7cb2",
    "zpub": "04b24746",
}


def random_bytes(rng: random.Random, count: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(count))


def wif(rng: random.Random, version: int = 0x80, compressed: bool = True) -> str:
    payload = bytes([version]) + random_bytes(rng, 32) + (b"\x01" if compressed else b"")
    return base58.b58encode_check(payload).decode()


def extended_key(rng: random.Random, prefix: str) -> str:
    body = bytes.fromhex(_VERSIONS[prefix]) + random_bytes(rng, 41)
    key = (
        b"\x00" + random_bytes(rng, 32)
        if prefix.endswith("prv")
        else b"\x02" + random_bytes(rng, 32)
    )
    return base58.b58encode_check(body + key).decode()


def solana_secret_key(rng: random.Random) -> str:
    seed = random_bytes(rng, 32)
    return base58.b58encode(seed + public_key(seed)).decode()


def solana_key_array(rng: random.Random) -> str:
    seed = random_bytes(rng, 32)
    return json.dumps(list(seed + public_key(seed)))


def solana_signature(rng: random.Random) -> str:
    return base58.b58encode(random_bytes(rng, 64)).decode()


def tron_address(rng: random.Random) -> str:
    return base58.b58encode_check(b"\x41" + random_bytes(rng, 20)).decode()


def bitcoin_address(rng: random.Random) -> str:
    return base58.b58encode_check(b"\x00" + random_bytes(rng, 20)).decode()


def stellar_address(rng: random.Random) -> str:
    raw = bytes([6 << 3]) + random_bytes(rng, 34)
    return base64.b32encode(raw).decode().rstrip("=")
