from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxesConfig(AppConfig):
    name = "kefu.inboxes"
    label = "inboxes"
    verbose_name = _("Inboxes")
    default_auto_field = "django.db.models.BigAutoField"
