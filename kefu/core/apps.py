from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("System")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler
        from kefu.core.jobs import lease_duration

        # Twice per lease: a dead worker's job waits at most 1.5 leases to run again.
        scheduler.register(
            "core.reclaim_jobs", every=lambda: lease_duration() / 2, run=_reclaim_jobs
        )


def _reclaim_jobs() -> str:
    from kefu.core.jobs import reclaim_stale_jobs

    reclaimed = reclaim_stale_jobs()
    return f"put {len(reclaimed)} jobs of dead workers back in the queue" if reclaimed else ""
