"""`kefu community reindex`: rebuild the community's search index from the database."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.community.search import rebuild
from kefu.core.management.progress import show_progress


class Command(BaseCommand):
    help = "Rebuild the community's search index (questions and their settled answers)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("reindex", help="Rebuild the search index from the database.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        total = rebuild.indexable().count()
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            show_progress(self.stdout, done, total, "questions")

        indexed = rebuild.rebuild(progress=step)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {indexed} published questions."))
