"""The SLA catalogues: every string translated in both scripts, and compiled."""

import re
from pathlib import Path

import pytest

import kefu.sla

LOCALE = Path(kefu.sla.__file__).parent / "locale"
_MSGSTR = re.compile(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', re.MULTILINE)


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_sla_string_is_translated(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = _MSGSTR.findall(text)[1:]  # the first is the header
    assert len(entries) > 20
    assert all("".join(re.findall(r'"(.*)"', msgstr)) for msgstr in entries)
    assert po.with_suffix(".mo").exists()
