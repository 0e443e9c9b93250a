from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "kefu.inboxes.phone"
    label = "phone"
    verbose_name = _("Phone")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler
        from kefu.inboxes.phone import dispatch, recordings, webhooks

        scheduler.register(
            "phone.recordings", every=lambda: recordings.SWEEP_EVERY, run=recordings.sweep
        )
        scheduler.register(
            "phone.dispatch", every=lambda: dispatch.SWEEP_EVERY, run=dispatch.offer_all
        )
        scheduler.register(
            "phone.webhook_log", every=lambda: webhooks.PRUNE_EVERY, run=webhooks.prune_hits
        )
