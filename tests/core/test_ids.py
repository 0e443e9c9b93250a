"""Ids from outside: ASCII digits within the 64-bit range, nothing else."""

import pytest
from django.urls import resolve
from django.urls.exceptions import Resolver404

from kefu.core.ids import MAX_ID, parse_count, parse_id

# Strings that `str.isdigit()`, `int()` or a lax parser would take for a number (or that
# overflow the database): every surface that reads an id must answer them as not found.
HOSTILE_IDS = [
    "²",  # superscript two: isdigit() is true, int() raises
    "١٢",  # Arabic-Indic digits: int() gives 12
    "１２",  # full-width digits, as a Chinese input method types them
    "੧",  # Gurmukhi one
    "12 ",
    " 12",
    "+12",
    "-1",
    "1_000",
    "0x10",
    "1e3",
    "12.0",
    "12\n",
    "0",
    "9223372036854775808",  # one past bigint
    "99999999999999999999999",
    "0" * 30 + "1",
    "",
]
# The same, as conversation references.
HOSTILE_REFERENCES = [
    *HOSTILE_IDS,
    "K-²",
    "K-",
    "K-0",
    "K-１２",
    "K--1",
    "K- 1",
    "K-9223372036854775808",
    "K-000001-",
]
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def hostile_spellings(number: int) -> list[str]:
    """Ways to write an existing id that a lax parser reads as that id: each must miss it."""
    digits = str(number)
    return [
        digits.translate(_FULL_WIDTH),
        digits.translate(_ARABIC_INDIC),
        digits.translate(_SUPERSCRIPT),
        f" {digits}",
        f"{digits} ",
        f"+{digits}",
        f"{digits}.0",
        f"0_{digits}",
        f"{digits}\n",
    ]


# What a JSON body or frame may carry where an id belongs.
HOSTILE_JSON_IDS: list[object] = [
    True,
    False,
    1.0,
    -1,
    0,
    MAX_ID + 1,
    10**30,
    None,
    [],
    [1],
    {},
    {"id": 1},
    "abc",
]


@pytest.mark.parametrize("raw", HOSTILE_IDS)
def test_a_hostile_id_string_is_not_an_id(raw: str) -> None:
    assert parse_id(raw) is None


def test_no_other_spelling_of_an_id_is_that_id() -> None:
    assert [parse_id(spelling) for spelling in hostile_spellings(1203)] == [None] * 9


@pytest.mark.parametrize("raw", HOSTILE_JSON_IDS)
def test_a_hostile_json_value_is_not_an_id(raw: object) -> None:
    assert parse_id(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("000123", 123), ("9223372036854775807", MAX_ID), (42, 42), (MAX_ID, MAX_ID)],
)
def test_ascii_digits_and_json_integers_within_range_are_ids(raw: object, expected: int) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0, 0), (7, 7), (MAX_ID, MAX_ID), (-1, None), (MAX_ID + 1, None), (True, None), ("3", None)],
)
def test_a_count_is_a_json_integer_from_zero(raw: object, expected: int | None) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["²", "１２", "9223372036854775808", "9" * 23, "0"])
def test_an_id_path_does_not_match_a_hostile_id(raw: str) -> None:
    with pytest.raises(Resolver404):
        resolve(f"/console/attachments/{raw}/")


def test_an_id_path_matches_an_id() -> None:
    assert resolve("/console/attachments/0042/").kwargs == {"attachment_id": 42}
