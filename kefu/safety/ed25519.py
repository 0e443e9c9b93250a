"""Ed25519 public-key derivation (RFC 8032, section 5.1.5), and nothing else.

A Solana secret key and a Solana transaction signature are both 64 bytes in base58; the
customer must be able to send the second and never the first. The key is a seed followed
by its own public key, so deriving the public key from the first half tells them apart
with certainty. Pure Python is fast enough (a fraction of a millisecond): it runs only on
64-byte base58 strings outside links.
"""

import hashlib
from functools import cache

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_BASE_Y = 4 * pow(5, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

# Extended homogeneous coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, x*y = T/Z.
_Point = tuple[int, int, int, int]


def _recover_x(y: int) -> int:
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    x = pow(xx, (_P + 3) // 8, _P)
    if (x * x - xx) % _P:
        x = x * _SQRT_M1 % _P
    return _P - x if x & 1 else x


_BASE_X = _recover_x(_BASE_Y)
_BASE: _Point = (_BASE_X, _BASE_Y, 1, _BASE_X * _BASE_Y % _P)


def _add(left: _Point, right: _Point) -> _Point:
    x1, y1, z1, t1 = left
    x2, y2, z2, t2 = right
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


@cache
def _base_table() -> tuple[tuple[_Point, ...], ...]:
    # j * 16^i * B for every 4-bit digit j and position i, built once (about 1,000
    # additions), so that a multiplication is 64 additions instead of about 380.
    table = []
    step = _BASE
    for _ in range(64):
        row = [(0, 1, 1, 0), step]
        for _ in range(14):
            row.append(_add(row[-1], step))
        table.append(tuple(row))
        step = _add(row[-1], step)
    return tuple(table)


def _multiply_base(scalar: int) -> _Point:
    result: _Point = (0, 1, 1, 0)
    for row in _base_table():
        digit = scalar & 15
        if digit:
            result = _add(result, row[digit])
        scalar >>= 4
    return result


def _encode(point: _Point) -> bytes:
    x, y, z, _ = point
    inverse = pow(z, _P - 2, _P)
    x, y = x * inverse % _P, y * inverse % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def public_key(seed: bytes) -> bytes:
    """The 32-byte Ed25519 public key of a 32-byte secret seed."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    return _encode(_multiply_base(scalar))


def is_key_pair(secret_key: bytes) -> bool:
    """True when 64 bytes are a seed followed by its public key (Solana's secret key format)."""
    return len(secret_key) == 64 and public_key(secret_key[:32]) == secret_key[32:]
