"""The feedback app's catalogues: every string translated, nothing fuzzy, compiled."""

import re
from pathlib import Path

import pytest

import kefu.feedback

LOCALE = Path(kefu.feedback.__file__).parent / "locale"
_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.MULTILINE)


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_feedback_string_is_translated(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    untranslated = [
        msgid
        for msgid, msgstr in _ENTRY.findall(text)
        if msgid.strip() != '""' and not "".join(re.findall(r'"(.*)"', msgstr))
    ]
    assert untranslated == []
    mo = po.with_suffix(".mo")
    assert mo.exists()
