from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "kefu.feedback"
    label = "feedback"
    verbose_name = _("Satisfaction surveys")
    default_auto_field = "django.db.models.BigAutoField"
