from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "kefu.verification"
    verbose_name = _("Identity verification")
    default_auto_field = "django.db.models.BigAutoField"
