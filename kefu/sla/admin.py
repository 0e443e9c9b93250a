from typing import Any

from django import forms
from django.contrib import admin

from kefu.sla.models import UpdateTemplate
from kefu.sla.updates import check_template


class UpdateTemplateForm(forms.ModelForm[UpdateTemplate]):
    class Meta:
        model = UpdateTemplate
        fields = ("intent", "language", "title", "text")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text, language = cleaned.get("text"), cleaned.get("language")
        if text and language:
            try:
                check_template(text, language)
            except forms.ValidationError as blocked:
                self.add_error("text", blocked)
        return cleaned


@admin.register(UpdateTemplate)
class UpdateTemplateAdmin(admin.ModelAdmin[UpdateTemplate]):
    form = UpdateTemplateForm
    list_display = ("title", "intent", "language")
    list_filter = ("language", "intent")
    search_fields = ("title", "text")
