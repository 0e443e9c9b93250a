"""One progress line redrawn in place, for commands that work through many rows."""

from django.core.management.base import OutputWrapper


def show_progress(stdout: OutputWrapper, done: int, total: int, label: str) -> None:
    # Redrawn rather than printed per step: a deployment with thousands of rows shows
    # movement without scrolling the terminal away.
    stdout.write(f"\r  {done}/{total} {label[:60]:<60}", ending="")
    stdout.flush()
