"""Every channel adapter's own catalogues: each string translated in both scripts, and
compiled (a package under kefu/inboxes/ with a locale/ folder of its own)."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGUES = sorted(
    (po.parts[-5], po)
    for language in ("zh_Hans", "zh_Hant")
    for po in (ROOT / "kefu" / "inboxes").glob(f"*/locale/{language}/LC_MESSAGES/django.po")
)


@pytest.mark.parametrize(
    "po", [po for _package, po in CATALOGUES], ids=[f"{p}-{po.parts[-3]}" for p, po in CATALOGUES]
)
def test_every_adapter_string_is_translated_and_compiled(po: Path) -> None:
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    msgids = len(re.findall(r"^msgid ", text, re.MULTILINE))
    with po.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    # msgfmt leaves untranslated strings out: a string missing here has no translation.
    assert len(catalog._catalog) == msgids  # type: ignore[attr-defined]


def test_the_channels_with_catalogues_are_all_checked() -> None:
    packages = {package for package, _po in CATALOGUES}
    assert {"messenger", "telegram", "wechat", "weibo", "x"} <= packages
