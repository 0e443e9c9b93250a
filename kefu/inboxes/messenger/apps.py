from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessengerConfig(AppConfig):
    name = "kefu.inboxes.messenger"
    label = "messenger"
    verbose_name = _("Facebook pages")
    default_auto_field = "django.db.models.BigAutoField"
