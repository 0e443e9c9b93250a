from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = _("Service levels and escalation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler
        from kefu.sla import clock

        # conversations cannot import sla (sla imports conversations): it tells the
        # clocks of each change through the listener installed here.
        clock.install()
        scheduler.register("sla.deadlines", every=_sweep_interval, run=_sweep)


def _sweep_interval() -> timedelta:
    return timedelta(seconds=settings.KEFU_SLA_SWEEP_SECONDS)


def _sweep() -> str:
    from kefu.sla import sweep

    return sweep.run().summary()
