"""The reports' figures as the viewer reads them: language, time zone, durations, CSV cells."""

import pytest
from django.utils import timezone, translation

from kefu.console import report_sections as r
from tests.console import report_samples as sample


def url(reference: str) -> str:
    return f"/console/c/{reference}/"


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (None, "—", "—"),
        (45, "45 s", "45 秒"),
        (240, "4 min", "4 分钟"),
        (3600, "1 h", "1 小时"),
        (4800, "1 h 20 min", "1 小时 20 分钟"),
        (183_600, "2 d 3 h", "2 天 3 小时"),
    ],
)
def test_durations_read_naturally_in_each_language(seconds, english, chinese) -> None:
    with translation.override("en"):
        assert r.duration(seconds) == english
    with translation.override("zh-hans"):
        assert r.duration(seconds) == chinese


def test_numbers_and_rates_are_grouped_and_rounded() -> None:
    with translation.override("en"):
        assert r.number(1234) == "1,234"
        assert r.percent(0.9) == "90.0%"
        assert r.percent(None) == "—"


def test_weekdays_and_chart_locale_follow_the_language() -> None:
    with translation.override("zh-hans"):
        assert r.weekday_names()[0] == "星期一"
        assert r.chart_locale() == "ZH"
    with translation.override("zh-hant"):
        assert r.chart_locale() == "ZH"
    with translation.override("en"):
        assert r.weekday_names()[6] == "Sunday"
        assert r.chart_locale() == "EN"


def test_heatmap_chart_points_are_hour_weekday_count() -> None:
    with translation.override("zh-hans"):
        section = r.volume_section(sample.VOLUME)
    heat = section.charts[0]
    assert heat.kind == "heatmap"
    assert heat.y[0] == "星期一"
    assert heat.x[9] == "09:00"
    assert [9, 0, 12] in heat.data
    assert [21, 4, 3] in heat.data
    assert len(heat.data) == 7 * 24
    table = section.tables[0]
    assert table.name == "volume_hours"
    assert table.rows[0][0].text == "星期一"
    assert table.rows[0][10].csv == 12  # the 09:00 column, after the day's name


def test_chart_payload_names_the_locale_and_the_heatmap_maximum() -> None:
    with translation.override("zh-hans"):
        payload = r.chart_payload([r.volume_section(sample.VOLUME)])
    assert payload["locale"] == "ZH"
    heat, days, channels, intents = payload["charts"]
    assert heat["max"] == 12
    assert channels["x"] == ["电子邮件", "在线聊天"]
    assert days["kind"] == "line"
    assert intents["data"] == [1234]


def test_times_table_starts_with_all_teams_and_shows_missing_figures_as_a_dash() -> None:
    with translation.override("en"):
        section = r.times_section(sample.TIMES)
    assert ("First response, 90th percentile", "1 h 20 min") in section.figures
    rows = section.tables[0].rows
    assert [c.text for c in rows[0]] == [
        "All teams",
        "10",
        "4 min",
        "1 h 20 min",
        "4",
        "2 d 3 h",
        "—",
    ]
    assert [c.csv for c in rows[1]] == ["Payments", 3, 45, 3600, 0, "", ""]


def test_sla_overall_compliance_counts_every_row() -> None:
    with translation.override("en"):
        section = r.sla_section(sample.SLA)
    assert section.figures == [("Compliance", "90.0%")]
    assert section.tables[0].rows[1][4].text == "—"


def test_csat_comments_link_to_their_conversation_in_the_viewers_time_zone() -> None:
    with translation.override("en"), timezone.override("Asia/Shanghai"):
        section = r.csat_section(sample.CSAT, url)
    comments = next(t for t in section.tables if t.name == "csat_comments")
    reference, rating, agent, answered, comment = comments.rows[0]
    assert reference.href == "/console/c/K-000042/"
    assert rating.csv == 2
    assert agent.text == "Chen Jie"
    assert "9:30" in answered.text  # 01:30 UTC is 09:30 in Shanghai
    assert "太慢了" in comment.text
    distribution = next(t for t in section.tables if t.name == "csat_distribution")
    assert [row[1].csv for row in distribution.rows] == [0, 1, 0, 1, 2]


def test_agent_online_time_is_a_duration() -> None:
    with translation.override("zh-hant"):
        section = r.agents_section(sample.AGENTS)
    row = section.tables[0].rows[0]
    assert row[3].text == "1 小時 20 分鐘"
    assert row[3].csv == 4800


def test_every_table_name_the_csv_export_accepts_is_built(monkeypatch) -> None:
    sample.patch_selectors(monkeypatch)
    with translation.override("en"):
        sections = r.build_sections(None, url)  # type: ignore[arg-type]
    built = {t.name for s in sections for t in s.tables}
    assert built == set(r.TABLES)
    for name, section_id in r.TABLES.items():
        assert any(t.name == name for s in sections if s.id == section_id for t in s.tables)


def test_days_are_labelled_as_the_viewer_writes_a_date_and_exported_as_iso() -> None:
    with translation.override("zh-hans"):
        section = r.volume_section(sample.VOLUME)
    assert section.charts[1].x == ["12月1日", "12月2日"]
    table = next(t for t in section.tables if t.name == "volume_days")
    first = table.rows[0][0]
    assert (first.text, first.csv) == ("12月1日", "2026-12-01")


def test_community_section_in_chinese_with_days_and_waiting_since() -> None:
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        section = r.community_section(sample.COMMUNITY)
    assert section.title == "社区"
    assert dict(section.figures)["已解决"] == "75.0%"
    days = next(t for t in section.tables if t.name == "community_days")
    assert [(row[0].text, row[0].csv) for row in days.rows] == [
        ("12月1日", "2026-12-01"),
        ("12月2日", "2026-12-02"),
    ]
    assert days.rows[1][4].text == "—"  # no questions that day: no share solved
    waiting = next(t for t in section.tables if t.name == "community_waiting")
    assert "9:30" in waiting.rows[0][2].text  # 01:30 UTC is 09:30 in Shanghai
    assert waiting.rows[2][2].text == "—"  # nothing held
