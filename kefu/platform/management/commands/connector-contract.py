"""`kefu connector-contract`: run the platform contract's checks against the configured
connector's sandbox, one line per check; exit status 1 when any fails."""

# ruff: noqa: N999 (the command's name is its file's name, spelled as the docs spell it)

from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError

from kefu.platform import contract, demo_data
from kefu.platform.demo import DemoConnector
from kefu.platform.registry import connector


class Command(BaseCommand):
    help = (
        "Check the configured platform connector (KEFU_PLATFORM_CONNECTOR) against the "
        "contract, using its sandbox accounts (docs/platform-connector.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = connector()
        if not hasattr(backend, "read_code"):
            raise CommandError(f"{type(backend).__name__} has no sandbox hook read_code().")
        if isinstance(backend, DemoConnector):
            # The demo's sandbox lives in Kefu's own database: made fresh for each run.
            demo_data.load_sandbox()
        outcomes = contract.run(cast(contract.Sandbox, backend))
        for outcome in outcomes:
            mark = self.style.SUCCESS("pass") if outcome.passed else self.style.ERROR("FAIL")
            self.stdout.write(
                f"{mark}  {outcome.name}" + (f": {outcome.detail}" if outcome.detail else "")
            )
        failed = [outcome.name for outcome in outcomes if not outcome.passed]
        if failed:
            raise CommandError(f"{len(failed)} of {len(outcomes)} checks failed.")
        self.stdout.write(f"All {len(outcomes)} checks passed.")
