from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler

        # Every minute: the recent hours' rollups and the online-minute sample (claimed
        # once per minute across hosts, so each minute is counted once). Every day: the
        # last week again, for answers and outcomes that change after the fact.
        scheduler.register("reports.recent", every=lambda: timedelta(minutes=1), run=_recent)
        scheduler.register("reports.daily", every=lambda: timedelta(days=1), run=_daily)


def _recent() -> str:
    from kefu.agents.models import Agent
    from kefu.agents.selectors import really_online
    from kefu.reports import rollup

    online = list(Agent.objects.filter(really_online()).values_list("id", flat=True))
    rollup.sample_online(online)
    return rollup.recompute_recent()


def _daily() -> str:
    from kefu.reports import rollup

    return rollup.recompute_days()
