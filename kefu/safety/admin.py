from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.safety import actions
from kefu.safety.models import OfficialChannel, SafetyAlert


@admin.register(OfficialChannel)
class OfficialChannelAdmin(admin.ModelAdmin[OfficialChannel]):
    list_display = ("kind", "value", "label", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("value", "label")
    fields = ("kind", "value", "label")

    def save_model(
        self, request: HttpRequest, obj: OfficialChannel, form: Any, change: bool
    ) -> None:
        # Through the action, so the value is normalized and the change audited.
        saved = actions.add_official_channel(
            actor=request.user,  # type: ignore[arg-type]
            kind=obj.kind,
            value=obj.value,
            label=obj.label,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: OfficialChannel) -> None:
        actions.retire_official_channel(actor=request.user, channel=obj)  # type: ignore[arg-type]


@admin.register(SafetyAlert)
class SafetyAlertAdmin(admin.ModelAdmin[SafetyAlert]):
    list_display = ("created_at", "kind", "conversation", "agent", "reasons", "acknowledged_at")
    list_filter = ("kind",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
