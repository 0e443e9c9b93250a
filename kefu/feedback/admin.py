from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.feedback.models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    """Read-only: answers belong to customers, and a survey's state to its jobs."""

    list_display = ("conversation", "resolved_at", "channel", "state", "rating", "answered_at")
    list_filter = ("state", "channel", "rating")
    exclude = ("token",)  # the key of a customer's link: not for display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
