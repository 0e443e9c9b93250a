from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "kefu.console"
    label = "console"
    verbose_name = _("Agent console")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.console.admin_site import name_library_apps

        name_library_apps()
