"""The reports page over real rollups: figures from a generated help desk, a fixed number
of queries whatever the data's size, and CSV rows that add up to the page's totals."""

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.reports import rollup
from tests.conftest import verified_client
from tests.reports.conftest import World, world_factory  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# The generated help desk spans 2026-03-08 12:00 to 2026-03-11 12:00 UTC.
# session, agent, device, nav badges, the form's teams and inboxes, the six reports, and
# the community section's five (two by day, official-answer times, "now" and held posts)
QUERIES = 28
PERIOD = "period=custom&start=2026-03-07&end=2026-03-12"


@pytest.fixture
def supervisor_client(agent_factory: Callable[..., Agent]) -> Client:
    agent = agent_factory(role=Role.SUPERVISOR, language="en", timezone="UTC")
    return verified_client(agent)


def rebuilt(world: World) -> World:
    rollup.rebuild(world.start - timedelta(days=1), world.end)
    return world


def test_page_query_count_does_not_grow_with_the_data(
    world_factory: Callable[..., World],  # noqa: F811
    supervisor_client: Client,
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    rebuilt(world_factory(conversations=40, seed=1))
    supervisor_client.get(f"/console/reports/?{PERIOD}")  # the session, warmed
    with django_assert_num_queries(QUERIES):
        small = supervisor_client.get(f"/console/reports/?{PERIOD}")
    rebuilt(world_factory(conversations=400, seed=2))
    with django_assert_num_queries(QUERIES):
        large = supervisor_client.get(f"/console/reports/?{PERIOD}")
    assert small.status_code == large.status_code == 200


def test_csv_rows_add_up_to_the_conversations_opened(
    world_factory: Callable[..., World],  # noqa: F811
    supervisor_client: Client,
) -> None:
    rebuilt(world_factory(conversations=120, seed=3))
    page = supervisor_client.get(f"/console/reports/?{PERIOD}")
    total = page.context["sections"][0].figures[0][1]
    for table in ("volume_hours", "volume_days", "volume_channels"):
        response = supervisor_client.get(f"/console/reports/csv/?table={table}&{PERIOD}")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        counted = sum(int(cell) for row in rows[1:] for cell in row[1:])
        assert f"{counted:,}" == total, table
