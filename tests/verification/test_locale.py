"""The verification catalogues: every string translated in both scripts, nothing fuzzy, compiled."""

import re
from pathlib import Path

import pytest

import kefu.verification

LOCALE = Path(kefu.verification.__file__).parent / "locale"
_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.MULTILINE)


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_verification_string_is_translated(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = _ENTRY.findall(text)
    assert len(entries) > 100
    untranslated = [
        msgid
        for msgid, msgstr in entries
        if msgid.strip() != '""' and not "".join(re.findall(r'"(.*)"', msgstr))
    ]
    assert untranslated == []
    assert po.with_suffix(".mo").exists()
