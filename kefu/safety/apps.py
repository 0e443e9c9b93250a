from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "kefu.safety"
    label = "safety"
    verbose_name = _("Safety")
    default_auto_field = "django.db.models.BigAutoField"
