from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "kefu.inboxes.phone"
    label = "phone"
    verbose_name = _("Phone")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler
        from kefu.inboxes.phone import recordings

        scheduler.register(
            "phone.recordings", every=lambda: recordings.SWEEP_EVERY, run=recordings.sweep
        )
