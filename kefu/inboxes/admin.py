from django.contrib import admin

from kefu.inboxes.models import Inbox


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin[Inbox]):
    list_display = ("name", "channel", "default_team", "is_active")
    list_filter = ("channel", "is_active")
