"""Write-only secrets in admin forms (Twilio tokens, bot tokens, WeChat keys).

A stored secret is never rendered back into a page, where it would sit in the browser's
history and any screenshot; the field stays empty, and an empty field on save keeps the
stored value, so an administrator changes one setting without retyping every secret.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


def secret_field(
    label: StrOrPromise, *, max_length: int = 64, help_text: StrOrPromise = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.PasswordInput(render_value=False),
        help_text=help_text or _("Leave empty to keep the saved value."),
    )


def keep_saved_secrets(
    form: forms.ModelForm[Any], cleaned: dict[str, Any], names: Iterable[str]
) -> None:
    """Put the stored value back into each secret left empty on an existing row."""
    if form.instance.pk is None:
        return
    for name in names:
        if not cleaned.get(name):
            cleaned[name] = getattr(form.instance, name)
