from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kefu.inboxes.email.models import ImapCursor, Mailbox

_SECRETS = ("imap_password", "smtp_password")


class MailboxForm(forms.ModelForm[Mailbox]):
    # Write-only: the stored password is never rendered back; an empty field keeps it.
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the saved password."),
    )
    smtp_password = forms.CharField(
        label=_("SMTP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the saved password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "inbox", "address", "display_name", "imap_host", "imap_port", "imap_ssl",
            "imap_user", "imap_password", "imap_folder", "mark_seen", "smtp_host", "smtp_port",
            "smtp_starttls", "smtp_user", "smtp_password", "is_active",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in _SECRETS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    form = MailboxForm
    list_display = ("address", "inbox", "imap_host", "smtp_host", "is_active")
    list_filter = ("is_active",)


@admin.register(ImapCursor)
class ImapCursorAdmin(admin.ModelAdmin[ImapCursor]):
    list_display = ("mailbox", "folder", "uidvalidity", "last_uid", "updated_at")
    readonly_fields = ("mailbox", "folder", "uidvalidity", "last_uid", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
