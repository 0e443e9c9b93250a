"""What a detector reports: the kind of secret and where it stands, never the secret."""

from dataclasses import dataclass
from typing import Final

RECOVERY_PHRASE: Final = "recovery_phrase"
PRIVATE_KEY: Final = "private_key"
EXTENDED_PRIVATE_KEY: Final = "extended_private_key"
KEYSTORE: Final = "keystore"
SOLANA_SECRET_KEY: Final = "solana_secret_key"
PASSWORD: Final = "password"
ONE_TIME_CODE: Final = "one_time_code"

# Stable ids, in the order a conflict is settled: when two findings overlap, the one that
# comes first wins, because it is the larger secret (a keystore contains hex, a recovery
# phrase can contain a word that follows "password").
KINDS: Final = (
    KEYSTORE,
    RECOVERY_PHRASE,
    EXTENDED_PRIVATE_KEY,
    SOLANA_SECRET_KEY,
    PRIVATE_KEY,
    PASSWORD,
    ONE_TIME_CODE,
)
PRECEDENCE: Final = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Finding:
    """A secret of `kind` at text[start:end] of the original (unredacted) text."""

    kind: str
    start: int
    end: int
