"""`kefu db_worker`: django-tasks-db's worker, holding a lease on each job it runs.

It replaces the library's command of the same name (kefu.core comes first in
INSTALLED_APPS), so every worker of a deployment leases its jobs: a job without a lease
would look abandoned to the reclaim and could be run twice.
"""

from typing import Any

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from kefu.core.jobs import leased


class LeasingWorker(db_worker.Worker):
    def run_task(self, db_task_result: "DBTaskResult[Any, Any]") -> None:
        with leased(db_task_result.pk, self.worker_id) as held:
            if held:
                super().run_task(db_task_result)


class Command(db_worker.Command):
    help = "Run a database background worker that leases the jobs it runs (see kefu.core.jobs)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The library builds its Worker inside handle(); swapping the class there keeps
        # every option and signal behaviour of the original command.
        original = db_worker.Worker
        db_worker.Worker = LeasingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
