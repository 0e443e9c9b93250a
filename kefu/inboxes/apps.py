from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxesConfig(AppConfig):
    name = "kefu.inboxes"
    label = "inboxes"
    verbose_name = _("Inboxes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The adapters sit above conversations, whose delivery job therefore cannot import
        # them: they are handed over here, once every app is loaded.
        from kefu.inboxes import registry

        registry.install()
