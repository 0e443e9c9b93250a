"""The admin site behind the console's sign-in: one sign-in policy for both.

Django's admin brings its own password form (django-otp's OTPAdminSite adds a code field
to it), and that form checks the password outside the console's lock-out, and says
"right password, now the code" to anyone who guesses it. So the admin has no sign-in
page of its own: /admin/login/ sends the browser to the console's (password, lock-out,
then TOTP or a recovery code), which returns to the admin afterwards. OTPAdminSite's
has_permission still requires a session past the second factor.
"""

from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from kefu.console import sign_in


class LockedOutPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's own password change checks the old password through the same lock-out."""

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        checked = sign_in.check_password(None, self.user.get_username(), old_password)
        if checked.outcome == "wrong":
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        if checked.outcome != "ok":
            raise ValidationError(sign_in.refusal(checked.outcome)[0], code=checked.outcome)
        return old_password


class ConsoleSignInAdminSite(OTPAdminSite):
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        next_url = sign_in.safe_next(request, request.GET.get(REDIRECT_FIELD_NAME) or index)
        if sign_in.is_verified(request):
            if self.has_permission(request):
                return redirect(next_url)
            # Signed in to the console but not an administrator: sending them to sign in
            # again would only bring them back here.
            raise PermissionDenied
        return redirect(f"{reverse('console:login')}?{urlencode({'next': next_url})}")

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponseBase:
        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=LockedOutPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)


# The libraries' own names read as code in the admin index ("Otp_Static", "TOTP devices",
# "Tasks Database Backend") and are not translated. Only the runtime names change:
# `original_attrs` stays as the libraries wrote it, so no migration is asked of them.
_APP_NAMES = {
    "django_otp": _("Two-factor sign-in"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Recovery codes"),
    "django_tasks": _("Background jobs"),
    "django_tasks_database": _("Background jobs"),
}
_MODEL_NAMES = {
    "otp_totp.TOTPDevice": (_("authenticator app"), _("authenticator apps")),
    "otp_static.StaticDevice": (_("recovery code set"), _("recovery code sets")),
    "otp_static.StaticToken": (_("recovery code"), _("recovery codes")),
    "django_tasks_database.DBTaskResult": (_("background job"), _("background jobs")),
}


def name_library_apps() -> None:
    """Give the admin readable, translated names for the libraries' apps and models."""
    for label, name in _APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    for dotted, (singular, plural) in _MODEL_NAMES.items():
        options = apps.get_model(dotted)._meta
        options.verbose_name = singular
        options.verbose_name_plural = plural
