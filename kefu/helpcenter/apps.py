from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpcenterConfig(AppConfig):
    name = "kefu.helpcenter"
    label = "helpcenter"
    verbose_name = _("Help center")
    default_auto_field = "django.db.models.BigAutoField"
