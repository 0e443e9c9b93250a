"""How many app processes `kefu serve` runs: one per core when Redis lets them share live
updates and the cache; one without Redis, where a second would split them."""

import os
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kefu.core.management.commands.serve import app_processes


def test_with_redis_and_postgresql_the_default_is_one_app_process_per_core(
    settings: Any,
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert app_processes(None, database="postgresql") == (os.cpu_count() or 1)
    assert app_processes(3, database="postgresql") == 3


def test_on_sqlite_the_default_is_one_app_process_even_with_redis(settings: Any) -> None:
    # One writer: a second process only adds waits at SQLite's lock.
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert app_processes(None, database="sqlite") == 1
    assert app_processes(2, database="sqlite") == 2


def test_without_redis_the_default_is_one_app_process(settings: Any) -> None:
    settings.REDIS_URL = ""
    assert app_processes(None, database="postgresql") == 1
    assert app_processes(1, database="postgresql") == 1


def test_without_redis_several_app_processes_are_refused_before_anything_starts(
    settings: Any,
) -> None:
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="KEFU_REDIS_URL"):
        call_command("serve", "--workers", "2")
