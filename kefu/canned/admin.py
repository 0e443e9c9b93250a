"""Canned replies in the admin: to look at and delete. Writing is the console's (and the
API's) job, where every version passes the placeholder check and the outbound guard."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kefu.agents.models import Agent
from kefu.canned import actions
from kefu.canned.models import CannedReply


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin[CannedReply]):
    list_display = ("title", "shortcut", "scope", "team", "owner", "usage_count", "last_used_at")
    list_filter = ("scope", "team")
    search_fields = ("title", "shortcut")
    readonly_fields = [f.name for f in CannedReply._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CannedReply | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: CannedReply) -> None:
        assert isinstance(request.user, Agent)
        actions.delete_canned_reply(actor=request.user, reply=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CannedReply]) -> None:
        for reply in queryset:
            self.delete_model(request, reply)
