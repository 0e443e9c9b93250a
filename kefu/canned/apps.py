from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CannedConfig(AppConfig):
    name = "kefu.canned"
    label = "canned"
    verbose_name = _("Canned replies")
    default_auto_field = "django.db.models.BigAutoField"
