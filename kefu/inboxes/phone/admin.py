"""The phone line in Django's admin: numbers, credentials, switches, prompts and health."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kefu.core.phone_numbers import InvalidPhoneNumber, to_e164
from kefu.core.secret_fields import keep_saved_secrets, secret_field
from kefu.inboxes.phone.lines import save_line
from kefu.inboxes.phone.models import PhoneLine, Prompt, WebhookHit

# Write-only (kefu.core.secret_fields).
_SECRETS = ("auth_token", "api_key_secret", "cti_token")
HEALTH_ROWS = 20
_TWILIO_FIELDS = ("account_sid", "auth_token", "api_key_sid", "api_key_secret", "twiml_app_sid")
_CALL_FIELDS = (
    "recording_enabled", "voicemail_enabled", "callback_enabled", "callback_max_attempts",
    "callback_retry_minutes", "ring_seconds", "hold_music_url", "service_hours",
)  # fmt: skip


def _e164(value: str) -> str:
    try:
        return to_e164(value)
    except InvalidPhoneNumber as error:
        raise forms.ValidationError(error.message) from error


class PhoneLineForm(forms.ModelForm[PhoneLine]):
    auth_token = secret_field(_("Twilio auth token"))
    api_key_secret = secret_field(_("Twilio API key secret"))
    cti_token = secret_field(_("CTI token"))
    hold_music_url = forms.URLField(
        label=capfirst(_("hold music")), required=False, assume_scheme="https"
    )

    class Meta:
        model = PhoneLine
        fields = [
            "inbox", "provider", "number", "outbound_number", "account_sid", "auth_token",
            "api_key_sid", "api_key_secret", "twiml_app_sid", "cti_token", "recording_enabled",
            "voicemail_enabled", "callback_enabled", "callback_max_attempts",
            "callback_retry_minutes", "ring_seconds", "hold_music_url",
        ]  # fmt: skip

    def clean_number(self) -> str:
        return _e164(self.cleaned_data["number"])

    def clean_outbound_number(self) -> str:
        value: str = self.cleaned_data["outbound_number"]
        return _e164(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        keep_saved_secrets(self, cleaned, _SECRETS)
        return cleaned


class PromptForm(forms.ModelForm[Prompt]):
    audio_url = forms.URLField(
        label=capfirst(_("recording to play")), required=False, assume_scheme="https"
    )

    class Meta:
        model = Prompt
        fields = ["key", "language", "text", "audio_url"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("text", "").strip() and not cleaned.get("audio_url"):
            raise forms.ValidationError(_("Give a text to speak or a recording to play."))
        return cleaned


class PromptInline(admin.TabularInline[Prompt, PhoneLine]):
    model = Prompt
    form = PromptForm
    extra = 0


@admin.register(PhoneLine)
class PhoneLineAdmin(admin.ModelAdmin[PhoneLine]):
    form = PhoneLineForm
    inlines = [PromptInline]
    list_display = ("number", "inbox", "provider", "recording_enabled", "last_success")
    readonly_fields = ("service_hours", "last_success", "webhook_health")
    fieldsets = [
        (None, {"fields": ["inbox", "provider", "number", "outbound_number"]}),
        (_("Twilio"), {"fields": _TWILIO_FIELDS}),
        (_("Own telephone system"), {"fields": ["cti_token"]}),
        (_("Calls"), {"fields": _CALL_FIELDS}),
        (_("Health"), {"fields": ["last_success", "webhook_health"]}),
    ]

    @admin.display(description=_("service hours"))
    def service_hours(self, line: PhoneLine) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:routing_serviceschedule_changelist"),
            _("The routing schedules (and their extended hours) are the line's hours."),
        )

    @admin.display(description=_("last successful webhook"))
    def last_success(self, line: PhoneLine) -> str:
        hit = (
            WebhookHit.objects.filter(line=line, status_code__lt=400)
            .order_by("-received_at")
            .first()
        )
        return f"{hit.received_at:%Y-%m-%d %H:%M:%S %Z}" if hit is not None else "—"

    @admin.display(description=_("last webhooks"))
    def webhook_health(self, line: PhoneLine) -> SafeString:
        if line.pk is None:
            return format_html("{}", "—")
        hits = WebhookHit.objects.filter(line=line).order_by("-received_at")[:HEALTH_ROWS]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{hit.received_at:%Y-%m-%d %H:%M:%S}", hit.endpoint, hit.status_code, hit.error)
                for hit in hits
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("time"),
            _("endpoint"),
            _("status"),
            _("error"),
            rows or format_html('<tr><td colspan="4">{}</td></tr>', _("No webhook yet.")),
        )

    def save_model(self, request: HttpRequest, obj: PhoneLine, form: Any, change: bool) -> None:
        # Numbers in E.164 and listed as official, so the verify page vouches for them.
        save_line(obj)


@admin.register(WebhookHit)
class WebhookHitAdmin(admin.ModelAdmin[WebhookHit]):
    list_display = ("received_at", "line", "endpoint", "status_code", "error")
    list_filter = ("line", "endpoint", "status_code")
    readonly_fields = ("line", "endpoint", "token", "received_at", "status_code", "error")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
