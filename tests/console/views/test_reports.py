"""The reports page and its CSV export: who may see them, the filter's errors, the files."""

import csv
import io

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role, Team
from tests.conftest import verified_client
from tests.console import report_samples as sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(agent_factory) -> Agent:
    return agent_factory(role=Role.SUPERVISOR, language="en", timezone="Asia/Shanghai")


@pytest.fixture
def supervisor_client(supervisor: Agent) -> Client:
    return verified_client(supervisor)


@pytest.fixture
def figures(monkeypatch) -> None:
    sample.patch_selectors(monkeypatch)


def test_supervisors_see_every_section_with_its_figures(supervisor_client, figures) -> None:
    response = supervisor_client.get("/console/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("volume", "times", "sla", "csat", "deflection", "agents"):
        assert f'id="{section}"' in html
    assert "1 h 20 min" in html  # first response p90
    assert "1,234" in html  # an intent's count, grouped
    assert 'href="/console/c/K-000042/"' in html  # a comment links to its conversation
    assert 'id="report-charts" type="application/json"' in html
    assert "/static/console/vendor/echarts.min.js" in html
    assert "/console/reports/csv/?table=volume_hours" in html
    assert 'href="/console/reports/"' in html  # the sidebar entry


def test_the_page_is_in_the_viewers_language(agent_factory, figures) -> None:
    client = verified_client(agent_factory(role=Role.SUPERVISOR, language="zh-Hans"))
    html = client.get("/console/reports/").content.decode()
    assert "星期一" in html
    assert "1 小时 20 分钟" in html
    assert '"locale": "ZH"' in html


def test_other_agents_are_refused(agent_client) -> None:
    assert agent_client.get("/console/reports/").status_code == 403
    assert agent_client.get("/console/reports/csv/?table=sla").status_code == 403
    assert 'href="/console/reports/"' not in agent_client.get("/console/").content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2016-01-01&end=2026-01-01", "at most 366 days"),
        ("period=custom&start=2026-03-01&end=2026-02-01", "ends before it starts"),
        ("period=custom&start=yesterday&end=2026-02-01", "is not a date"),
        ("period=custom&start=2026-02-01", "both a first and a last day"),
        ("period=decade", "Choose a period from the list"),
        ("team=99999", "teams does not exist"),
        ("channel=fax", "channels does not exist"),
        ("inbox=abc", "is not a valid choice"),
    ],
)
def test_bad_filters_get_a_translated_error_in_the_page(supervisor_client, query, message) -> None:
    response = supervisor_client.get(f"/console/reports/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert 'name="period"' in html  # the form stays, to correct it


def test_errors_are_translated(agent_factory) -> None:
    client = verified_client(agent_factory(role=Role.SUPERVISOR, language="zh-Hant"))
    response = client.get("/console/reports/?period=decade")
    assert response.status_code == 400
    assert "請從清單中選擇期間" in response.content.decode()


def test_old_guided_flows_page_moved_to_the_reports(client) -> None:
    response = client.get("/console/help/deflection/")
    assert response.status_code == 302
    assert response["Location"] == "/console/reports/?period=30d#deflection"


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_of_a_table(supervisor_client, figures) -> None:
    response = supervisor_client.get("/console/reports/csv/?table=times&period=30d")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kefu-times-')
    rows = read_csv(response)
    assert rows[0][0] == "Team"
    assert rows[1] == ["All teams", "10", "240", "4800", "4", "183600", ""]


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(
    supervisor_client, figures
) -> None:
    rows = read_csv(supervisor_client.get("/console/reports/csv/?table=csat_comments"))
    comment = rows[1][4]
    assert comment.startswith("'=HYPERLINK")
    assert "太慢了" in comment


def test_csv_headers_are_in_the_viewers_language(agent_factory, figures) -> None:
    client = verified_client(agent_factory(role=Role.SUPERVISOR, language="zh-Hans"))
    rows = read_csv(client.get("/console/reports/csv/?table=volume_hours"))
    assert rows[0][:2] == ["星期", "00:00"]
    assert rows[1][0] == "星期一"


@pytest.mark.parametrize("query", ["", "table=secrets", "table=sla&period=custom&start=2026-02-01"])
def test_csv_export_refuses_an_unknown_table_or_a_bad_filter(supervisor_client, query) -> None:
    response = supervisor_client.get(f"/console/reports/csv/?{query}")
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]


def test_the_filter_form_keeps_the_choices(supervisor_client, figures) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    html = supervisor_client.get(f"/console/reports/?period=month&team={team.pk}").content.decode()
    assert f'<option value="{team.pk}" selected>Payments</option>' in html
    assert '<option value="month" selected>' in html
    assert f"table=sla&amp;period=month&amp;team={team.pk}" in html  # the CSV keeps the filter
