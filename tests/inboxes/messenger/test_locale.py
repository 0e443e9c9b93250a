"""The Messenger catalogues: every string translated in both scripts, and compiled."""

import gettext
import re
from pathlib import Path

import pytest

import kefu.inboxes.messenger

LOCALE = Path(kefu.inboxes.messenger.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_messenger_string_is_translated_and_compiled(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    msgids = len(re.findall(r"^msgid ", text, re.MULTILINE))
    with po.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    # msgfmt leaves untranslated strings out: a string missing here has no translation.
    assert len(catalog._catalog) == msgids  # type: ignore[attr-defined]


def test_the_welcome_is_in_the_language_asked() -> None:
    from django.utils import translation

    from kefu.inboxes.messenger.inbound import welcome_text

    with translation.override("zh-hant"):
        assert "客服人員會在這個對話中回覆您" in welcome_text("Kefu Exchange")
