from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XConfig(AppConfig):
    name = "kefu.inboxes.x"
    # "x" alone is too short a label to stay unique among every app's tables.
    label = "x_dm"
    verbose_name = _("X accounts")
    default_auto_field = "django.db.models.BigAutoField"
