from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "kefu.community"
    label = "community"
    verbose_name = _("User community")
    default_auto_field = "django.db.models.BigAutoField"
