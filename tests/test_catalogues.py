"""Every catalogue in the project (the project's own and each app's): every string
translated in both Chinese scripts, nothing fuzzy, and compiled from the current text."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    po
    for language in ("zh_Hans", "zh_Hant")
    for po in (ROOT / "kefu").glob(f"**/locale/{language}/LC_MESSAGES/django.po")
)


def _fuzzy_after_header(text: str) -> bool:
    # makemessages marks a new file's header fuzzy; only the entries after it count.
    header = text.find('msgid ""')
    return "#, fuzzy" in text[header:]


@pytest.mark.parametrize("po", CATALOGUES, ids=[str(po.relative_to(ROOT)) for po in CATALOGUES])
def test_every_string_is_translated_and_compiled(po: Path) -> None:
    text = po.read_text(encoding="utf-8")
    assert not _fuzzy_after_header(text)
    msgids = len(re.findall(r"^msgid ", text, re.MULTILINE)) - 1  # the header
    with po.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    # msgfmt leaves untranslated and fuzzy strings out, so a string missing from the
    # compiled catalogue has no translation (or the .mo is older than the .po).
    translated = {key for key in catalog._catalog if key != ""}  # type: ignore[attr-defined]
    assert len(translated) == msgids


def test_the_apps_with_their_own_catalogue_are_all_checked() -> None:
    apps = {po.relative_to(ROOT / "kefu").parts[0] for po in CATALOGUES}
    assert {"console", "feedback", "sla", "verification", "routing", "inboxes"} <= apps
