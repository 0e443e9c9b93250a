"""`kefu calendar import`: load public holidays and make-up workdays into service schedules."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kefu.routing import actions
from kefu.routing.models import ServiceSchedule

# The library computes any year; beyond this range a typo is more likely than a plan.
_YEARS = range(2000, 2101)


class Command(BaseCommand):
    help = "Load public holidays and make-up workdays from the bundled holiday calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser(
            "import",
            help="Fill holidays and make-up workdays (safe to run again; local entries stay).",
        )
        load.add_argument(
            "--schedule",
            help="A schedule id, or 'default'; every schedule with a country when left out.",
        )
        load.add_argument(
            "--year",
            type=int,
            nargs="+",
            dest="years",
            help="Years to load; this year and the next when left out.",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        schedules = self._schedules(options["schedule"])
        this_year = timezone.localdate().year
        years = options["years"] or [this_year, this_year + 1]
        if bad := [year for year in years if year not in _YEARS]:
            raise CommandError(f"Years must lie between 2000 and 2100, not {bad}.")
        for schedule in schedules:
            self.stdout.write(f"{schedule} ({schedule.country}):")
            try:
                actions.import_calendar(schedule=schedule, years=years, progress=self._show)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error

    def _show(self, result: actions.CalendarImport) -> None:
        self.stdout.write(
            f"  {result.year}: {result.holidays} holidays, {result.working_days} make-up "
            f"workdays; {result.created} new, {result.updated} renamed, {result.removed} "
            f"removed, {result.kept_local} decided locally"
        )

    def _schedules(self, which: str | None) -> list[ServiceSchedule]:
        schedules = ServiceSchedule.objects.select_related("team").order_by("pk")
        if which is None:
            return list(schedules.exclude(country=""))
        if which == "default":
            chosen = schedules.filter(team__isnull=True).first()
        elif which.isdigit():
            chosen = schedules.filter(pk=int(which)).first()
        else:
            raise CommandError(f"--schedule takes a schedule id or 'default', not {which!r}.")
        if chosen is None:
            raise CommandError(f"No service schedule {which!r}.")
        return [chosen]
