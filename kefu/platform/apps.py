from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "kefu.platform"
    # "platform" would read like the standard library module in migrations and admin.
    label = "platform_connector"
    verbose_name = _("Platform connector")
    default_auto_field = "django.db.models.BigAutoField"
