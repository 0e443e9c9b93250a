"""Reports at 1,000,000 conversations and 5,000,000 messages: every report read from the
rollups, beside the same figures computed by a direct GROUP BY over the raw tables.

    .venv/bin/python bench/reports.py [--quick] [--conversations N] [--messages N]
                                      [--runs 20] [--no-sqlite] [--no-postgres]

`--quick` is 100,000 conversations and 500,000 messages. For SQLite (a file in a
temporary directory) and for PostgreSQL (a throwaway database `kefu_bench_reports_<pid>`
on the server KEFU_BENCH_POSTGRES_URL names; skipped with a note when unreachable), a
child process:

1. migrates a fresh database and inserts, with plain multi-row inserts (COPY on
   PostgreSQL), conversations spread over the last 180 days (teams follow intents as
   routing does, intents skewed, six inboxes on five channels, 40 agents in six teams,
   each conversation assigned within its team; unresolved ones older than a week
   closed), their messages, two SLA clocks each,
   surveys for a share of the resolved ones and guided flow runs;
2. builds the rollups with `kefu.reports.rollup.rebuild` (the code `kefu reports
   rebuild` and the scheduler run) and reports how long that took;
3. times each report's selector (`kefu.reports.selectors`) and the whole console page
   (`/console/reports/`, every section rendered, through Django's test Client as a
   signed-in supervisor in Asia/Shanghai) `--runs` times for the last 30 days and for
   the whole 180 days, and the equivalent direct GROUP BY over the raw tables in the
   same run (for the page: the sum of the reports' direct figures), and prints p50/p95
   and the ratio. Rollup row counts include both grains (hourly and daily rows).

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import functools
import json
import os
import platform
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from environments import exit_on_sigterm, on_each_database, postgres_env, run_json_child
from measure import log
from search import summary_ms

TARGET_P95_MS = 300.0
SPAN_DAYS = 180
AGENTS = 40
BATCH = 20_000


def _insert(model: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Rows straight into the table: the ORM would take most of an hour for 6M rows."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _defaults(model: Any, given: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
    """The columns not generated and their default values, as the database stores them."""
    from django.db import connection
    from django.utils import timezone

    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in given:
            continue
        names.append(field.column)
        stamped = getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
        value = timezone.now() if stamped else field.get_default()
        values.append(field.get_db_prep_save(value, connection))
    return names, tuple(values)


def _status(created: datetime, resolved: datetime | None, now: datetime) -> str:
    """Resolved, or open for a week; older unresolved ones were closed (spam, duplicates,
    customers who never wrote back), so agents' open load stays what a desk works on."""
    from kefu.conversations.models import Status

    if resolved:
        return Status.RESOLVED
    return Status.OPEN if now - created < timedelta(days=7) else Status.CLOSED


def _generate(conversations: int, messages: int, seed: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from kefu.agents.models import Agent, Team
    from kefu.contacts.models import Contact
    from kefu.conversations.models import Conversation, Message, MessageKind
    from kefu.core.intents import Intent
    from kefu.feedback.models import Survey
    from kefu.helpcenter.flows.models import FlowRun, RunOutcome
    from kefu.inboxes.models import Channel, Inbox
    from kefu.sla.models import Clock, SlaPolicy, Target

    rng = random.Random(seed)
    pg = connection.vendor == "postgresql"

    def stamp(at: datetime) -> Any:
        # SQLite keeps naive UTC text, as Django writes it; psycopg takes aware values.
        return at if pg else at.replace(tzinfo=None)

    now = timezone.now().replace(microsecond=0)
    first_day = now - timedelta(days=SPAN_DAYS)
    teams = [Team.objects.create(name=f"Team {n}", slug=f"team-{n}") for n in range(6)]
    channels = [Channel.PORTAL, Channel.EMAIL, Channel.TELEGRAM, Channel.WECHAT, Channel.PORTAL]
    inboxes = [
        Inbox.objects.create(name=f"Inbox {n}", channel=channel)
        for n, channel in enumerate([*channels, Channel.EMAIL])
    ]
    agents = Agent.objects.bulk_create(
        [Agent(username=f"bench{n}", display_name=f"Agent {n}") for n in range(AGENTS)]
    )
    contact = Contact.objects.create(name="Customer")
    policy = SlaPolicy.objects.create(name="Bench", first_response_minutes=60)
    intents = list(Intent.values)
    weights = [1 / (rank + 1) for rank in range(len(intents))]  # a few intents dominate
    team_of = {intent: teams[n % len(teams)].pk for n, intent in enumerate(intents)}
    # Each agent works in one team, and a conversation is assigned within its team, as
    # routing assigns it.
    members: dict[int, list[int]] = {team.pk: [] for team in teams}
    for n, agent in enumerate(agents):
        members[teams[n % len(teams)].pk].append(agent.pk)

    rows = []
    span = SPAN_DAYS * 86400
    for number in range(1, conversations + 1):
        created = first_day + timedelta(seconds=rng.randrange(span))
        intent = rng.choices(intents, weights)[0]
        inbox = rng.choice(inboxes)
        answered = rng.random() < 0.9
        first = (
            created + timedelta(seconds=int(rng.expovariate(1 / 1800)) + 20) if answered else None
        )
        resolved = (
            created + timedelta(seconds=int(rng.expovariate(1 / 40000)) + 60)
            if rng.random() < 0.8
            else None
        )
        if resolved and resolved > now:
            resolved = None
        if first and first > now:
            first = None
        assignee = rng.choice(members[team_of[intent]])
        rows.append((number, created, first, resolved, intent, inbox, assignee))

    conversation_columns = [
        "id",
        "contact_id",
        "inbox_id",
        "channel",
        "status",
        "intent",
        "team_id",
        "assignee_id",
        "created_at",
        "last_message_at",
        "first_response_at",
        "resolved_at",
    ]
    rest, rest_values = _defaults(Conversation, conversation_columns)
    _insert(
        Conversation,
        conversation_columns + rest,
        (
            (
                number,
                contact.pk,
                inbox.pk,
                inbox.channel,
                _status(created, resolved, now),
                intent,
                team_of[intent],
                agent,
                stamp(created),
                stamp(created),
                first and stamp(first),
                resolved and stamp(resolved),
                *rest_values,
            )
            for number, created, first, resolved, intent, inbox, agent in rows
        ),
    )
    message_columns = ["conversation_id", "kind", "author_agent_id", "created_at"]
    rest, rest_values = _defaults(Message, message_columns)
    kinds = [MessageKind.INBOUND, MessageKind.OUTBOUND, MessageKind.OUTBOUND, MessageKind.NOTE]

    def message_rows() -> Iterable[tuple[Any, ...]]:
        for _n in range(messages):
            number, created, _f, _r, _i, _b, agent = rows[rng.randrange(conversations)]
            kind = rng.choice(kinds)
            at = min(created + timedelta(seconds=rng.randrange(86400)), now)
            yield (
                number,
                kind,
                None if kind == MessageKind.INBOUND else agent,
                stamp(at),
                *rest_values,
            )

    _insert(Message, message_columns + rest, message_rows())

    clock_columns = [
        "conversation_id",
        "policy_id",
        "target",
        "business",
        "started_at",
        "fulfilled_at",
        "breached_at",
    ]
    rest, rest_values = _defaults(Clock, clock_columns)

    def clock_rows() -> Iterable[tuple[Any, ...]]:
        for number, created, first, resolved, _i, _b, _a in rows:
            for target, done, allowed in (
                (Target.FIRST_RESPONSE, first, 3600),
                (Target.RESOLUTION, resolved, 86400),
            ):
                late = done is None or (done - created).total_seconds() > allowed
                breached = created + timedelta(seconds=allowed) if late else None
                if breached and breached > now:
                    breached = None
                yield (
                    number,
                    policy.pk,
                    target,
                    False,
                    stamp(created),
                    done and stamp(done),
                    breached and stamp(breached),
                    *rest_values,
                )

    _insert(Clock, clock_columns + rest, clock_rows())

    survey_columns = [
        "conversation_id",
        "resolved_at",
        "token",
        "inbox_id",
        "channel",
        "intent",
        "language",
        "team_id",
        "agent_id",
        "expires_at",
        "state",
        "rating",
        "comment",
        "contacted_outside",
        "answered_at",
    ]
    rest, rest_values = _defaults(Survey, survey_columns)

    def survey_rows() -> Iterable[tuple[Any, ...]]:
        for number, _c, _f, resolved, intent, inbox, agent in rows:
            if resolved is None or rng.random() > 0.3:
                continue
            answered = min(resolved + timedelta(seconds=rng.randrange(7200)), now)
            yield (
                number,
                stamp(resolved),
                f"bench{number}",
                inbox.pk,
                inbox.channel,
                intent,
                "zh-Hans",
                team_of[intent],
                agent,
                stamp(resolved + timedelta(days=7)),
                "answered",
                rng.choice([1, 2, 3, 4, 4, 5, 5, 5]),
                rng.choice(["", "", "", "谢谢", "太慢了"]),
                rng.choice([True, False, False, None]),
                stamp(answered),
                *rest_values,
            )

    _insert(Survey, survey_columns + rest, survey_rows())

    run_columns = ["token", "intent", "language", "step", "outcome", "started_at"]
    rest, rest_values = _defaults(FlowRun, run_columns)
    outcomes = [RunOutcome.SOLVED, RunOutcome.SOLVED, RunOutcome.HANDOFF, RunOutcome.IN_PROGRESS]
    _insert(
        FlowRun,
        run_columns + rest,
        (
            (
                uuid.UUID(int=rng.getrandbits(128))
                if pg
                else uuid.UUID(int=rng.getrandbits(128)).hex,
                rng.choices(intents, weights)[0],
                "zh-Hans",
                "start",
                rng.choice(outcomes),
                stamp(first_day + timedelta(seconds=rng.randrange(span))),
                *rest_values,
            )
            for _n in range(conversations // 3)
        ),
    )
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [Conversation._meta.db_table, conversations],
            )
    return {"now": now, "first_day": first_day, "teams": [team.pk for team in teams]}


def _baselines(start: datetime, end: datetime, tz: Any) -> dict[str, Callable[[], Any]]:
    """Each report's figures by a direct GROUP BY over the raw tables (no rollups)."""
    from django.db.models import Avg, Count, F, Q
    from django.db.models.functions import ExtractHour, ExtractWeekDay, TruncDate

    from kefu.conversations.models import Conversation, Message, MessageKind
    from kefu.feedback.models import Survey
    from kefu.helpcenter.flows.models import FlowRun
    from kefu.sla.models import Clock

    opened = Conversation.objects.filter(created_at__gte=start, created_at__lt=end)

    def volume() -> Any:
        heat = list(
            opened.annotate(
                d=ExtractWeekDay("created_at", tzinfo=tz), h=ExtractHour("created_at", tzinfo=tz)
            )
            .values_list("d", "h")
            .annotate(n=Count("id"))
            .order_by()
        )
        days = list(
            opened.annotate(d=TruncDate("created_at", tzinfo=tz))
            .values_list("d")
            .annotate(n=Count("id"))
            .order_by()
        )
        return (
            heat,
            days,
            list(opened.values_list("channel").annotate(n=Count("id")).order_by()),
            list(opened.values_list("intent").annotate(n=Count("id")).order_by()),
        )

    def times() -> Any:
        # Calendar time, so the database can compute it; sorted in Python for percentiles.
        out = []
        for field in ("first_response_at", "resolved_at"):
            rows = Conversation.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            values = sorted(
                (done - created).total_seconds()
                for created, done in rows.values_list("created_at", field).iterator(
                    chunk_size=20_000
                )
            )
            out.append(
                (values[len(values) // 2], values[int(len(values) * 0.9)]) if values else None
            )
        return out

    def sla() -> Any:
        met = Clock.objects.filter(
            fulfilled_at__gte=start, fulfilled_at__lt=end, breached_at__isnull=True
        )
        breached = Clock.objects.filter(breached_at__gte=start, breached_at__lt=end)
        return [
            list(
                q.values_list("target", "conversation__team_id").annotate(n=Count("id")).order_by()
            )
            for q in (met, breached)
        ]

    def csat() -> Any:
        answered = Survey.objects.filter(
            answered_at__gte=start, answered_at__lt=end, rating__isnull=False
        )
        return (
            answered.aggregate(
                n=Count("id"),
                avg=Avg("rating"),
                outside=Count("id", filter=Q(contacted_outside=True)),
            ),
            list(answered.values_list("rating").annotate(n=Count("id")).order_by()),
            list(
                answered.values_list("team_id")
                .annotate(n=Count("id"), avg=Avg("rating"))
                .order_by()
            ),
            list(
                answered.values_list("agent_id")
                .annotate(n=Count("id"), avg=Avg("rating"))
                .order_by()
            ),
            list(answered.exclude(comment="").order_by("-answered_at")[:50]),
        )

    def deflection() -> Any:
        runs = FlowRun.objects.filter(started_at__gte=start, started_at__lt=end)
        return list(runs.values_list("intent", "outcome").annotate(n=Count("id")).order_by())

    def agents() -> Any:
        handled = Conversation.objects.filter(
            resolved_at__gte=start, resolved_at__lt=end, assignee__isnull=False
        )
        replies = Message.objects.filter(
            created_at__gte=start, created_at__lt=end, kind=MessageKind.OUTBOUND
        )
        return (
            list(handled.values_list("assignee_id").annotate(n=Count("id")).order_by()),
            list(replies.values_list(F("author_agent_id")).annotate(n=Count("id")).order_by()),
        )

    return {
        "volume": volume,
        "times": times,
        "sla_compliance": sla,
        "csat": csat,
        "deflection": deflection,
        "agent_activity": agents,
    }


def _time(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm: caches, prepared plans
    seconds = []
    for _n in range(runs):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


def _page_client(tz_name: str) -> Any:
    """A console client signed in as a supervisor past both factors (as tests/conftest.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kefu.agents.models import Agent, Role

    supervisor = Agent.objects.create_user(
        username="bench-supervisor",
        password=uuid.uuid4().hex,
        display_name="Bench supervisor",
        role=Role.SUPERVISOR,
        timezone=tz_name,
        language="zh-Hans",
    )
    device = TOTPDevice.objects.create(user=supervisor, name="default", confirmed=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(supervisor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _page(client: Any, f: Any) -> Callable[[], Any]:
    url = f"/console/reports/?period=custom&start={f.start.isoformat()}&end={f.end.isoformat()}"

    def get() -> Any:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    return get


def child(conversations: int, messages: int, runs: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection

    from kefu.reports import rollup, selectors
    from kefu.reports.filters import parse_filter
    from kefu.reports.models import AgentRollup, DurationRollup, Rollup, SlaRollup

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    from django.db import transaction

    with transaction.atomic():  # one commit: SQLite would sync the file per batch
        generated = _generate(conversations, messages, seed=17)
    generate_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    rollup.rebuild(generated["first_day"], generated["now"] + timedelta(hours=1))
    rollup_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows = {
        model.__name__: model.objects.count()
        for model in (Rollup, DurationRollup, SlaRollup, AgentRollup)
    }
    tz = ZoneInfo("Asia/Shanghai")
    today = generated["now"].astimezone(tz).date()
    periods = {
        "30_days": parse_filter(today - timedelta(days=29), today, tz),
        "180_days": parse_filter(today - timedelta(days=SPAN_DAYS - 1), today, tz),
    }
    reports: dict[str, Callable[[Any], Any]] = {
        "volume": selectors.volume,
        "times": selectors.times,
        "sla_compliance": selectors.sla_compliance,
        "csat": selectors.csat,
        "deflection": selectors.deflection,
        "agent_activity": selectors.agent_activity,
    }
    figures: dict[str, Any] = {}
    client = _page_client("Asia/Shanghai")
    for period, f in periods.items():
        start, end = f.utc_range()
        baselines = _baselines(start, end, tz)
        figures[period] = {}
        # The whole console page, every section rendered, as a signed-in supervisor sees it.
        page = summary_ms(_time(_page(client, f), runs))
        for name, report in reports.items():
            rolled = summary_ms(_time(functools.partial(report, f), runs))
            direct = summary_ms(_time(baselines[name], max(3, runs // 4)))
            figures[period][name] = {
                "rollups": rolled,
                "direct": direct,
                "ratio_p50": round(direct["p50_ms"] / max(rolled["p50_ms"], 0.001), 1),
            }
        # Beside it, the sums of every report's direct GROUP BY figures (not re-run: the
        # direct queries at 180 days take tens of seconds a round).
        direct_sum = {
            key: round(sum(fig["direct"][key] for fig in figures[period].values()), 3)
            for key in ("p50_ms", "p95_ms", "max_ms")
        }
        figures[period]["console_page"] = {
            "rollups": page,
            "direct": direct_sum,
            "ratio_p50": round(direct_sum["p50_ms"] / max(page["p50_ms"], 0.001), 1),
        }
    return {
        "vendor": connection.vendor,
        "conversations": conversations,
        "messages": messages,
        "migrated_s": round(migrate_seconds, 1),
        "generated_s": round(generate_seconds, 1),
        "rollups_built_s": round(rollup_seconds, 1),
        "rollup_rows": rows,
        "load_average": round(os.getloadavg()[0], 1),
        "reports": figures,
        "through": "selectors, and the console page through Django's test Client",
    }


def report(name: str, result: dict[str, Any]) -> None:
    log(
        f"{name}: {result['conversations']} conversations, {result['messages']} messages "
        f"(generated in {result['generated_s']} s); rollups built in {result['rollups_built_s']} s "
        f"({result['rollup_rows']}); load average {result['load_average']}"
    )
    for period, reports in result["reports"].items():
        log(
            f"  period {period.replace('_', ' ')} "
            "(selectors, p50 / p95 ms; direct GROUP BY; ratio):"
        )
        for report_name, figures in reports.items():
            rolled, direct = figures["rollups"], figures["direct"]
            log(
                f"    {report_name:<15} {rolled['p50_ms']:8.1f} / {rolled['p95_ms']:8.1f}   "
                f"direct {direct['p50_ms']:9.1f} / {direct['p95_ms']:9.1f}   "
                f"x{figures['ratio_p50']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k conversations, 500k messages")
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each report")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.quick:
        args.conversations, args.messages = 100_000, 500_000
    if args.conversations < 100 or args.runs < 1:
        parser.error("at least 100 conversations and 1 run")
    if args.child:
        print(json.dumps(child(args.conversations, args.messages, args.runs)))
        return
    log(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    child_args = [
        "--conversations",
        str(args.conversations),
        "--messages",
        str(args.messages),
        "--runs",
        str(args.runs),
    ]
    if args.no_sqlite:
        results: dict[str, Any] = {"backends": {}, "notes": ["SQLite skipped (--no-sqlite)"]}
        with (
            tempfile.TemporaryDirectory(prefix="kefu_bench_reports-") as tmp,
            postgres_env(Path(tmp), "kefu_bench_reports") as env,
        ):
            results["backends"]["postgresql"] = run_json_child(__file__, child_args, env)
        report("PostgreSQL", results["backends"]["postgresql"])
    else:
        results = on_each_database(
            "kefu_bench_reports",
            args.no_postgres,
            lambda env: run_json_child(__file__, child_args, env),
            report,
            sqlite_label="SQLite",
        )
    results["target_p95_ms"] = TARGET_P95_MS
    results["targets_met"] = all(
        figures["rollups"]["p95_ms"] < TARGET_P95_MS
        for backend in results["backends"].values()
        for reports in backend["reports"].values()
        for figures in reports.values()
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
