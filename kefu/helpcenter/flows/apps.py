from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "kefu.helpcenter.flows"
    label = "flows"
    verbose_name = _("Guided flows")
    default_auto_field = "django.db.models.BigAutoField"
