"""The three languages Kefu speaks, and the mapping between our ids and Django's."""

from collections.abc import Callable

from django.db import models
from django.utils import translation


class Language(models.TextChoices):
    # Stored ids follow BCP 47 (what the CLI contracts print); Django's locale codes
    # are lower-case, so the two are mapped here and nowhere else.
    ZH_HANS = "zh-Hans", "简体中文"
    ZH_HANT = "zh-Hant", "繁體中文"
    EN = "en", "English"


_TO_DJANGO = {Language.ZH_HANS: "zh-hans", Language.ZH_HANT: "zh-hant", Language.EN: "en"}
_FROM_DJANGO = {code: language for language, code in _TO_DJANGO.items()}


def to_django(language: str) -> str:
    return (
        _TO_DJANGO.get(Language(language), "zh-hans") if language in Language.values else "zh-hans"
    )


def in_language(language: str, text: Callable[[], str]) -> str:
    """`text()` written in one of our languages (a customer's, an agent's), whatever the
    request's language is; unknown or blank ids give Simplified Chinese, as to_django."""
    with translation.override(to_django(language)):
        return text()


def from_django(code: str) -> Language:
    code = code.lower()
    if code.startswith("zh") and ("hant" in code or code in {"zh-tw", "zh-hk", "zh-mo"}):
        return Language.ZH_HANT
    if code.startswith("zh"):
        return Language.ZH_HANS
    return _FROM_DJANGO.get(code, Language.EN)
