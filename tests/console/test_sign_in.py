"""The password lock-out against concurrent guessing, on real app processes.

A counter read before the hash and written after it lets every request that arrives
while the first hashes slip through; these tests send the guesses all at once, as an
attacker would, to one process on SQLite and to two processes sharing PostgreSQL.
"""

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kefu.console.sign_in import PASSWORD_ATTEMPTS
from kefu.core import children
from tests.test_scale import (
    embedded_environment,
    free_port,
    run_setup,
    shared_environment,
    start_app,
    two_apps,
)

pytestmark = pytest.mark.multiprocess

__all__ = ["shared_environment"]  # the fixture, re-exported for this module

SETUP = """
import json
from django_otp.plugins.otp_totp.models import TOTPDevice
from kefu.agents.models import Agent, Role
agent = Agent.objects.create_user(username="li.na", password="the right password 1",
                                  role=Role.L1, display_name="Li Na")
TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
print(json.dumps({"username": agent.username}))
"""

CSRF = "k" * 32


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[tuple[dict[str, str], int]]:
    env, port = embedded_environment(tmp_path), free_port()
    app = start_app(env, port, tmp_path / "app.log")
    try:
        yield env, port
    finally:
        children.stop(app)


async def guess(client: httpx.AsyncClient, port: int, username: str, password: str) -> str:
    response = await client.post(
        f"http://127.0.0.1:{port}/console/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": CSRF},
        headers={"Accept-Language": "en"},
    )
    if response.status_code == 429:
        assert "Too many failed sign-in attempts" in response.text
        return "locked"
    assert response.status_code == 400, response.text[:300]
    assert "The username or password is not correct." in response.text
    return "evaluated"


async def guess_all_at_once(ports: list[int], username: str, count: int) -> Counter[str]:
    limits = httpx.Limits(max_connections=count)
    cookies = {"csrftoken": CSRF}
    async with httpx.AsyncClient(timeout=300, limits=limits, cookies=cookies) as client:
        answers = await asyncio.gather(
            *(guess(client, ports[n % len(ports)], username, f"guess {n}") for n in range(count))
        )
    return Counter(answers)


def test_concurrent_wrong_passwords_on_one_sqlite_process_stop_at_the_limit(
    sqlite_app: tuple[dict[str, str], int],
) -> None:
    env, port = sqlite_app
    username = run_setup(env, SETUP)["username"]
    answers = asyncio.run(guess_all_at_once([port], username, 100))
    limit = PASSWORD_ATTEMPTS.attempts
    assert answers == {"evaluated": limit, "locked": 100 - limit}


@pytest.mark.parametrize("with_redis", [True, False], ids=["with-redis", "without-redis"])
def test_concurrent_wrong_passwords_across_two_postgresql_processes_stop_at_the_limit(
    shared_environment: dict[str, str], with_redis: bool
) -> None:
    env = dict(shared_environment)
    if not with_redis:
        # Each process's memory cache counts apart: only a shared counter holds the line.
        env.pop("KEFU_REDIS_URL")
    username = run_setup(env, SETUP)["username"]
    with two_apps(env) as ports:
        answers = asyncio.run(guess_all_at_once(list(ports), username, 60))
    limit = PASSWORD_ATTEMPTS.attempts
    assert answers == {"evaluated": limit, "locked": 60 - limit}
