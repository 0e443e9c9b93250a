from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.api import actions
from kefu.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = (
        "name",
        "prefix",
        "inbox",
        "acts_as",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("inbox",)
    fields = ("name", "inbox", "acts_as")
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A token is issued or revoked, never edited: its hash must match what was shown.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, key = actions.create_token(
            actor=request.user,  # type: ignore[arg-type]
            name=obj.name,
            inbox=obj.inbox,
            acts_as=obj.acts_as,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("Copy this token now; it is shown only once: %(key)s") % {"key": key},
            fail_silently=True,
        )

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            actions.revoke_token(actor=request.user, token=token)  # type: ignore[arg-type]
