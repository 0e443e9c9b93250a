"""Text files that hold a secret: every kind the redactor knows, written the way customers
write it in each language the product speaks, inside each kind of text file they attach."""

import json
from dataclasses import dataclass

from mnemonic import Mnemonic

PHRASE_EN = Mnemonic("english").to_mnemonic(bytes(range(16)))
PHRASE_ZH_HANS = Mnemonic("chinese_simplified").to_mnemonic(bytes(range(100, 116)))
PHRASE_ZH_HANT = Mnemonic("chinese_traditional").to_mnemonic(bytes(range(120, 136)))
WIF = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"
HEX_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
KEYSTORE = json.dumps(
    {
        "address": "e4272be7f4b5b7abc524e3e120ea9ea7543aa1e4",
        "crypto": {
            "cipher": "aes-128-ctr",
            "ciphertext": "21e1a1620857d8de6617cf24c2b48b41ecf7de294663024924cd5f02c984c37b",
            "cipherparams": {"iv": "fe27a42c263a2bcf614e70d55326eeb6"},
            "kdf": "scrypt",
            "kdfparams": {
                "dklen": 32,
                "n": 262144,
                "p": 1,
                "r": 8,
                "salt": "dabe02473616f0888c58621fb4bd23076d5b930365ab1fc52e6fe66447acffed",
            },
            "mac": "7eaae5c45d07c2554e0f11ad6fb516112641cd0d2943c4a83e44edc109660638",
        },
        "id": "9420a107-519e-659b-524f-4de3fb4be45e",
        "version": 3,
    },
    indent=2,
)


@dataclass(frozen=True)
class Secret:
    kind: str
    # What must never be stored, and the line a customer writes it in.
    value: str
    line: str
    language: str

    def needles(self) -> list[str]:
        """Pieces of the secret whose presence alone gives it away."""
        if self.kind == "recovery_phrase":
            words = self.value.split()
            return [self.value, " ".join(words[:4]), "".join(words[:4])]
        if self.kind == "keystore":
            return [json.loads(self.value)["crypto"]["ciphertext"]]
        return [self.value]


SECRETS = [
    Secret("recovery_phrase", PHRASE_EN, f"my recovery phrase: {PHRASE_EN}", "en"),
    Secret("recovery_phrase", PHRASE_ZH_HANS, f"助记词：{PHRASE_ZH_HANS}", "zh-Hans"),
    Secret(
        "recovery_phrase",
        "".join(PHRASE_ZH_HANS.split()),
        "我的助记词是" + "".join(PHRASE_ZH_HANS.split()),
        "zh-Hans",
    ),
    Secret("recovery_phrase", PHRASE_ZH_HANT, f"助記詞：{PHRASE_ZH_HANT}", "zh-Hant"),
    Secret("private_key", WIF, f"private key {WIF}", "en"),
    Secret("private_key", HEX_KEY, f"私钥：{HEX_KEY}", "zh-Hans"),
    Secret("private_key", f"0x{HEX_KEY}", f"私鑰：0x{HEX_KEY}", "zh-Hant"),
    Secret("keystore", KEYSTORE, KEYSTORE, "en"),
    Secret("password", "Hunter2-Secret!", "password: Hunter2-Secret!", "en"),
    Secret("password", "Qwe12345", "我的密码 Qwe12345", "zh-Hans"),
    Secret("password", "Aa778899", "登入密碼是 Aa778899", "zh-Hant"),
]

EXTENSIONS = (".txt", ".csv", ".json", ".md", ".log")


def file_text(extension: str, line: str, newline: str = "\n") -> str:
    """A file of the kind `extension` names, as a customer would send it, holding `line`."""
    if extension == ".csv":
        cell = '"' + line.replace('"', '""') + '"'
        return f"date,note{newline}2024-05-01,{cell}{newline}2024-05-02,W-1042{newline}"
    if extension == ".json":
        if line.startswith("{"):
            return line
        text = json.dumps({"note": line, "order": "W-1042"}, ensure_ascii=False, indent=2)
        return text.replace("\n", newline)
    if extension == ".md":
        return f"# My problem{newline}{newline}```{newline}{line}{newline}```{newline}"
    if extension == ".log":
        return (
            f"2024-05-01 12:00:01 INFO wallet started{newline}"
            f"2024-05-01 12:00:02 DEBUG {line}{newline}"
            f"2024-05-01 12:00:03 INFO done{newline}"
        )
    return f"Notes about my wallet{newline}{line}{newline}Thanks{newline}"


def cases() -> list[tuple[str, Secret]]:
    """Every file kind with every secret, except a keystore quoted into a CSV cell: its
    doubled quotes hide it from the keystore detector, a limit of the detector."""
    return [
        (extension, secret)
        for extension in EXTENSIONS
        for secret in SECRETS
        if not (extension == ".csv" and secret.kind == "keystore")
    ]


def one_file_of_each_kind() -> list[tuple[str, Secret]]:
    """Each file kind once, each with a different secret and language: for the channel
    tests, which check the way in (the full matrix is screened in tests/safety)."""
    return [
        (".txt", SECRETS[0]),  # English recovery phrase
        (".csv", SECRETS[9]),  # a password, in simplified Chinese
        (".json", SECRETS[7]),  # a keystore file
        (".md", SECRETS[3]),  # traditional Chinese recovery phrase
        (".log", SECRETS[4]),  # a WIF private key
    ]
