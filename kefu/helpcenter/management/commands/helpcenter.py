"""`kefu helpcenter import|reindex`: load the default articles, rebuild the search index."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.core.management.progress import show_progress
from kefu.helpcenter import actions, bundled
from kefu.helpcenter.models import ArticleTranslation
from kefu.helpcenter.search import indexing


class Command(BaseCommand):
    help = "Load or update the bundled help-center articles, or rebuild the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "import", help="Load or update the bundled articles (safe to run again)."
        )
        subcommands.add_parser("reindex", help="Rebuild the search index from the database.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "import":
            self._import()
        else:
            self._reindex()

    def _progress(self, done: int, total: int, label: str) -> None:
        show_progress(self.stdout, done, total, label)

    def _import(self) -> None:
        total = len(bundled.articles())
        done = 0

        def step(label: str) -> None:
            nonlocal done
            done += 1
            self._progress(done, total, label)

        summary = actions.import_bundle(progress=step)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.translations} articles in {summary.categories} categories; "
                f"{summary.changed} new or changed."
            )
        )

    def _reindex(self) -> None:
        total = ArticleTranslation.objects.count()
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            self._progress(done, total, "translations")

        published = indexing.rebuild(progress=step)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {published} published translations."))
