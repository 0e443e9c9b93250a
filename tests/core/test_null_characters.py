"""Finding and dropping U+0000 in text and JSON-shaped data."""

import pytest

from kefu.core.null_characters import contains_nul, without_nul


@pytest.mark.parametrize(
    "value",
    ["a\x00b", ["ok", "\x00"], {"k": "\x00"}, {"\x00": 1}, {"a": [{"b": ("x\x00",)}]}],
)
def test_a_nul_anywhere_is_found(value: object) -> None:
    assert contains_nul(value)


@pytest.mark.parametrize("value", ["提现\\u0000", "", ["a", 1, None], {"a": {"b": 2.5}}, 0, None])
def test_data_without_nul_passes(value: object) -> None:
    assert not contains_nul(value)


def test_without_nul_drops_only_the_null_character() -> None:
    assert without_nul("提\x00现 \x01ok\x00") == "提现 \x01ok"
