from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "kefu.feedback"
    label = "feedback"
    verbose_name = _("Satisfaction surveys")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.feedback import listener

        # conversations cannot import feedback (feedback sits above it): a resolution
        # reaches the surveys through the listener installed here.
        listener.install()
