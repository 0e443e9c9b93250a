"""The demo back end's outbox, where a tester reads the codes and notices it "sent".

A real back end emails and texts the customer; the demo one has nowhere to send, so
what it sent is listed here (and logged by `kefu serve`). Read-only: it is a record.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.platform.models import DemoNotice


@admin.register(DemoNotice)
class DemoNoticeAdmin(admin.ModelAdmin[DemoNotice]):
    list_display = ["created_at", "template", "channel", "destination", "params"]
    list_filter = ["template", "channel"]
    fields = readonly_fields = ("created_at", "account", "template", "channel", "destination",
                                "params")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
