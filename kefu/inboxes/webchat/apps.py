from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebchatConfig(AppConfig):
    name = "kefu.inboxes.webchat"
    label = "webchat"
    verbose_name = _("Live chat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler

        scheduler.register(
            "webchat.orphan_uploads", every=lambda: timedelta(hours=1), run=_sweep_orphan_uploads
        )


def _sweep_orphan_uploads() -> str:
    from kefu.inboxes.webchat.actions import sweep_orphan_uploads

    deleted = sweep_orphan_uploads()
    return f"deleted {deleted} unreferenced uploads" if deleted else ""
