"""`kefu demo`: load the sample help desk once, then print how to sign in."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from kefu.demo import loader
from kefu.helpcenter.actions import import_bundle


class Command(BaseCommand):
    help = "Load demo agents, customers and conversations (once) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")
        if loader.is_loaded():
            self.stdout.write("Demo data is already loaded.")
        else:
            self.stdout.write("Loading demo data …")
            loader.load()
            # The sample replies' notification mails would only flood the terminal.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                call_command(
                    "db_worker", batch=True, queue_name="*", no_startup_delay=True, verbosity=0
                )
        # Every run, not only the first: an upgraded Kefu brings its updated articles.
        help_center = import_bundle()
        self.stdout.write(
            f"Help center: {help_center.translations} articles, "
            f"{help_center.changed} new or changed; open /help/."
        )
        self.stdout.write(
            self.style.SUCCESS("\nDemo sign-in (password for every agent: ")
            + loader.DEMO_PASSWORD
            + ")"
        )
        for username, name, role, codes in loader.sign_in_hints():
            self.stdout.write(f"  {username:<10} {name:<12} {role:<24} recovery codes: {codes}")
        self.stdout.write(
            "\nCustomers sign in at /portal/ with an email such as zhang.wei@example.com or "
            "alice@example.com;\nthe one-time code is printed in this terminal (no mail server)."
        )
