from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "kefu.verification"
    verbose_name = _("Identity verification")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler

        scheduler.register("verification.execute_due", every=_every_minute, run=_execute_due)
        scheduler.register("verification.sweep_documents", every=_hourly, run=_sweep_documents)


def _every_minute() -> timedelta:
    return timedelta(seconds=60)


def _hourly() -> timedelta:
    return timedelta(hours=1)


def _execute_due() -> str:
    from kefu.verification.actions import execute_due

    return execute_due()


def _sweep_documents() -> str:
    from kefu.verification.actions import sweep_documents

    return sweep_documents()
