"""The production settings the README documents pass Django's deployment checks.

The environment is read from the README itself (the `export` lines of "Running at
scale"), so the documentation and the settings cannot drift apart: a setting the README
forgets, or one the settings stop honouring, makes `kefu check --deploy` warn here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def documented_exports() -> str:
    """The shell lines that set the environment in the README's "Running at scale"."""
    section = README.read_text().split("## Running at scale", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "README: no shell block under Running at scale"
    exports = re.findall(r"^export .*?(?<!\\)$", block.group(1), re.DOTALL | re.MULTILINE)
    assert exports, "README: no export lines under Running at scale"
    return "\n".join(exports)


def run_documented(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    # Only the documented variables (and where to keep the local files) reach the process.
    env = {"PATH": os.environ["PATH"], "KEFU_VAR_DIR": str(tmp_path)}
    script = f'set -eu\n{documented_exports()}\nexec "$@"'
    return subprocess.run(
        ["bash", "-c", script, "documented", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_settings_pass_the_deploy_checks(tmp_path: Path) -> None:
    result = run_documented(
        tmp_path, sys.executable, "-m", "kefu.cli", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_documented_settings_turn_on_https_and_trust_only_the_named_proxies(
    tmp_path: Path,
) -> None:
    shown = run_documented(
        tmp_path,
        sys.executable,
        "-m",
        "kefu.cli",
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " bool(s.KEFU_TRUSTED_PROXIES))",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[-1].split() == ["31536000", "True", "True", "True", "True"]


@pytest.mark.parametrize(
    "site_url", ["help.example.com", "ftp://help.example.com", "https://", "http://h:99999"]
)
def test_a_site_url_that_cannot_be_a_links_base_stops_start_up(
    tmp_path: Path, site_url: str
) -> None:
    env = {"PATH": os.environ["PATH"], "KEFU_VAR_DIR": str(tmp_path), "KEFU_SITE_URL": site_url}
    result = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"KEFU_SITE_URL: {site_url!r}" in result.stderr


def test_the_channel_layers_reads_outlast_its_blocking_receive(tmp_path: Path) -> None:
    # redis-py's default read timeout (5 s) equals channels_redis's blocking wait (5 s): a
    # read that loses the race kills every console and chat WebSocket now and then.
    script = """
from django.conf import settings
from channels_redis.core import RedisChannelLayer
from channels_redis.utils import create_pool
layer = RedisChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])
pool = create_pool(layer.hosts[0])
print(pool.connection_kwargs["socket_timeout"], layer.brpop_timeout)
"""
    env = {
        **os.environ,
        "KEFU_VAR_DIR": str(tmp_path),
        "KEFU_REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    read_timeout, blocking_wait = (float(value) for value in done.stdout.split()[-2:])
    assert read_timeout > blocking_wait
