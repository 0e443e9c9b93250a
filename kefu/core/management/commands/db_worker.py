"""`kefu db_worker`: django-tasks-db's worker, holding a lease renewed while it lives.

It replaces the library's command of the same name (kefu.core comes first in
INSTALLED_APPS), so every worker of a deployment holds a lease: the job of a worker
without one would look abandoned to the reclaim and could be run twice.
"""

from typing import Any

from django_tasks_db.management.commands import db_worker

from kefu.core.jobs import leased


class LeasingWorker(db_worker.Worker):
    def run(self) -> None:
        with leased(self.worker_id):
            super().run()


class Command(db_worker.Command):
    help = "Run a database background worker that holds a lease while it runs (kefu.core.jobs)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The library builds its Worker inside handle(); swapping the class there keeps
        # every option and signal behaviour of the original command.
        original = db_worker.Worker
        db_worker.Worker = LeasingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
