"""SLA at 100,000 open conversations: the deadline sweep, and what a customer message's
deadline update costs.

    .venv/bin/python bench/sla.py [--conversations 100000] [--runs 40] [--messages 300]
                                  [--no-postgres]

For SQLite (a file in a temporary directory) and for PostgreSQL (a temporary database
`kefu_bench_sla_<pid>` at postgres://postgres@127.0.0.1:5432/, the server
KEFU_BENCH_POSTGRES_URL names; skipped with a note when unreachable), a child process:

1. migrates a fresh database and bulk-creates open conversations with the clocks the
   SLA engine starts (first response and resolution, calendar time, deadlines spread
   over the next days, each with its warning time in `check_at`), and the copy of the
   earliest deadline on the conversation;
2. (b) times `conversations.actions.receive_message` for one customer message into each
   of `--messages` conversations, alternately with the SLA listener installed and with
   it removed (`kefu.conversations.lifecycle._listeners`), in CPU time
   (`time.process_time`) and wall time: the difference is what updating the deadlines
   costs on top of the plain message write;
3. (a) prints the query plan of the sweep's selection (`kefu.sla.sweep.due_clocks`: the
   partial index `sla_clock_check`), then times `kefu.sla.sweep.run(now)` every
   `KEFU_SLA_SWEEP_SECONDS` of simulated time (warnings and breaches coming due as they
   would), the selection alone, and the baseline in the same run: the same selection
   through an unindexed expression (`check_at + 0`), which the database can only answer
   by reading every clock.

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import importlib
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from environments import exit_on_sigterm, on_each_database, run_json_child
from measure import log
from search import summary_ms

TARGET_SWEEP_P95_MS = 50.0
TARGET_MESSAGE_CPU_MS = 1.0
# A batch of the sweep, as kefu.sla.sweep takes them.
BATCH = 200


def _generate(count: int, seed: int) -> dict[str, Any]:
    """Bulk rows (the actions would take an hour for 100k), shaped as the engine leaves
    them: each open conversation with first response and resolution running."""
    from django.utils import timezone

    from kefu.contacts.models import Contact
    from kefu.conversations.models import Conversation, Status
    from kefu.inboxes.models import Channel, Inbox
    from kefu.sla.models import Clock, EventKind, SlaEvent, SlaPolicy, Target

    rng = random.Random(seed)
    # Calendar time: the benchmark is about the clocks, not the business calendar.
    policy = SlaPolicy.objects.create(
        name="Bench",
        first_response_minutes=24 * 60,
        first_response_business=False,
        next_response_minutes=8 * 60,
        next_response_business=False,
        resolution_minutes=5 * 24 * 60,
        resolution_business=False,
        warn_before_minutes=10,
    )
    inbox = Inbox.objects.create(name="Portal", channel=Channel.PORTAL)
    now = timezone.now()
    warn = timedelta(minutes=policy.warn_before_minutes)
    contacts = Contact.objects.bulk_create(
        [Contact(name=f"Customer {n}") for n in range(count)], batch_size=5000
    )
    conversations = []
    deadlines = []
    for n, contact in enumerate(contacts):
        # Opened over the last five days (about 20,000 a day); those older than a day
        # were answered (and a fifth of the rest): deadlines come due from now on, as in
        # a busy help desk's steady state: a few warnings and breaches every sweep.
        opened = now - timedelta(seconds=rng.randint(0, 5 * 24 * 3600))
        first = opened + timedelta(minutes=policy.first_response_minutes or 0)
        resolution = opened + timedelta(minutes=policy.resolution_minutes or 0)
        answered = opened < now - timedelta(hours=24) or n % 5 == 0
        deadlines.append((opened, first, resolution, answered))
        conversations.append(
            Conversation(
                contact=contact,
                inbox=inbox,
                channel=Channel.PORTAL,
                status=Status.OPEN,
                last_message_at=opened,
                sla_due_at=resolution if answered else first,
                sla_due_target=Target.RESOLUTION if answered else Target.FIRST_RESPONSE,
            )
        )
    conversations = Conversation.objects.bulk_create(conversations, batch_size=5000)
    clocks = []
    events = []
    for conversation, (opened, first, resolution, answered) in zip(
        conversations, deadlines, strict=True
    ):
        common = {"conversation": conversation, "policy": policy, "business": False}
        clocks.append(
            Clock(
                **common,
                target=Target.FIRST_RESPONSE,
                started_at=opened,
                due_at=None if answered else first,
                fulfilled_at=opened + timedelta(minutes=5) if answered else None,
                check_at=None if answered else first - warn,
            )
        )
        clocks.append(
            Clock(
                **common,
                target=Target.RESOLUTION,
                started_at=opened,
                due_at=resolution,
                check_at=resolution - warn,
            )
        )
        for target in (Target.FIRST_RESPONSE, Target.RESOLUTION):
            events.append(
                SlaEvent(
                    conversation=conversation,
                    policy=policy,
                    target=target,
                    kind=EventKind.STARTED,
                    at=opened,
                )
            )
    Clock.objects.bulk_create(clocks, batch_size=5000)
    SlaEvent.objects.bulk_create(events, batch_size=5000)
    return {"conversations": conversations, "clocks": len(clocks), "now": now}


def _time_messages(conversations: list[Any], count: int) -> dict[str, Any]:
    """receive_message into `count` conversations, alternating with and without the SLA
    listener so both see the same database, caches and machine load."""
    from kefu.conversations import actions, lifecycle
    from kefu.conversations.inbound import InboundMessage

    installed = lifecycle._listeners.get("sla")
    if installed is None:
        raise SystemExit("the SLA listener is not installed (kefu.sla's AppConfig.ready)")

    def send(conversation: Any, n: int) -> tuple[float, float]:
        message = InboundMessage(
            inbox=conversation.inbox,
            text=f"Any news on my withdrawal? ({n})",
            contact=conversation.contact,
            conversation=conversation,
        )
        started, started_cpu = time.perf_counter(), time.process_time()
        actions.receive_message(message)
        return time.process_time() - started_cpu, time.perf_counter() - started

    cpu: dict[str, list[float]] = {"with": [], "without": []}
    wall: dict[str, list[float]] = {"with": [], "without": []}
    # Warm-up on both paths (imports, caches, prepared plans), not counted.
    for n, conversation in enumerate(conversations[:10]):
        if n % 2:
            lifecycle._listeners.pop("sla", None)
        send(conversation, n)
        lifecycle._listeners["sla"] = installed
    try:
        for n, conversation in enumerate(conversations[10 : 10 + count]):
            label = "with" if n % 2 == 0 else "without"
            if label == "without":
                lifecycle._listeners.pop("sla", None)
            spent_cpu, spent = send(conversation, n)
            lifecycle._listeners["sla"] = installed
            cpu[label].append(spent_cpu)
            wall[label].append(spent)
    finally:
        lifecycle._listeners["sla"] = installed
    mean = {label: statistics.fmean(values) * 1000 for label, values in cpu.items()}
    median = {label: statistics.median(values) * 1000 for label, values in cpu.items()}
    return {
        "messages": count,
        "with_sla": {**summary_ms(wall["with"]), "cpu_mean_ms": round(mean["with"], 3)},
        "without_sla": {**summary_ms(wall["without"]), "cpu_mean_ms": round(mean["without"], 3)},
        "sla_cpu_mean_ms": round(mean["with"] - mean["without"], 3),
        "sla_cpu_median_ms": round(median["with"] - median["without"], 3),
    }


def _plan(select: Callable[[], Any]) -> str:
    """The plan of the query `select` runs, as the database ran it (PostgreSQL: with
    EXPLAIN ANALYZE): the SQL is captured from the call itself, not rebuilt here."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():  # the sweep's selection locks its rows: in a transaction
        with CaptureQueriesContext(connection) as queries:
            select()
        sql = queries.captured_queries[-1]["sql"]
        explain = (
            "EXPLAIN (ANALYZE, BUFFERS) "
            if connection.vendor == "postgresql"
            else "EXPLAIN QUERY PLAN "
        )
        with connection.cursor() as cursor:
            cursor.execute(explain + sql)
            rows = cursor.fetchall()
    # SQLite answers (id, parent, unused, detail); PostgreSQL one text column a line.
    return "\n".join(str(row[-1]) for row in rows)


def _time_sweep(start: datetime, runs: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import DateTimeField, ExpressionWrapper, F

    from kefu.sla.models import Clock

    # The sweep is the SLA engine's (kefu.sla.sweep, merged apart from this script): by
    # name, so the script type-checks on a branch that does not hold it yet.
    sweep: Any = importlib.import_module("kefu.sla.sweep")

    def baseline_query(now: datetime) -> Any:
        """The same clocks in the same order, through an expression no index covers
        (ordered by it too: ordered by check_at, PostgreSQL would walk the index)."""
        unindexed = ExpressionWrapper(F("check_at") + timedelta(0), output_field=DateTimeField())
        return (
            Clock.objects.annotate(unindexed_check=unindexed)
            .filter(unindexed_check__lte=now)
            .order_by("unindexed_check", "pk")[:BATCH]
        )

    def baseline(now: datetime) -> list[int]:
        return list(baseline_query(now).values_list("pk", flat=True))

    def selection(now: datetime) -> list[int]:
        with transaction.atomic():
            return [clock.pk for clock in sweep.due_clocks(now, BATCH)]

    step = timedelta(seconds=getattr(settings, "KEFU_SLA_SWEEP_SECONDS", 30))
    # What is due at the start is handled first (not timed), then the steady state.
    now = start
    backlog = 0
    while True:  # whatever is due at the start (not timed): the steady state follows
        result = sweep.run(now)
        backlog += len(result.warned) + len(result.breached)
        if not (result.warned or result.breached):
            break
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = _plan(lambda: sweep.due_clocks(now + step, BATCH))
    baseline_plan = _plan(lambda: baseline(now + step))
    timings: dict[str, list[float]] = {
        "run": [],
        "run_cpu": [],
        "idle_run": [],
        "select": [],
        "baseline": [],
    }
    handled = {"warned": 0, "breached": 0}
    same = True
    for _ in range(runs):
        now += step
        # Selection and baseline first (read only), then the run that acts on them.
        started = time.perf_counter()
        selected = selection(now)
        timings["select"].append(time.perf_counter() - started)
        started = time.perf_counter()
        scanned = baseline(now)
        timings["baseline"].append(time.perf_counter() - started)
        same = same and set(scanned) == set(selected)
        started, started_cpu = time.perf_counter(), time.process_time()
        result = sweep.run(now)
        timings["run"].append(time.perf_counter() - started)
        timings["run_cpu"].append(time.process_time() - started_cpu)
        handled["warned"] += len(result.warned)
        handled["breached"] += len(result.breached)
        # Again at the same moment: nothing is due any more, what a quiet run costs.
        started = time.perf_counter()
        sweep.run(now)
        timings["idle_run"].append(time.perf_counter() - started)
    items = handled["warned"] + handled["breached"]
    return {
        "runs": runs,
        "step_seconds": step.total_seconds(),
        "backlog_handled_first": backlog,
        "handled": handled,
        "run": summary_ms(timings["run"]),
        "run_cpu": summary_ms(timings["run_cpu"]),
        "idle_run": summary_ms(timings["idle_run"]),
        "items_per_run": round(items / runs, 1),
        # What each warning or breach adds to a run (its writes, audit, events, mail job).
        "ms_per_item": round(
            (sum(timings["run"]) - sum(timings["idle_run"])) * 1000 / max(items, 1), 2
        ),
        "selection": summary_ms(timings["select"]),
        "baseline_scan": summary_ms(timings["baseline"]),
        "same_clocks": same,
        "plan": plan,
        "baseline_plan": baseline_plan,
    }


def child(count: int, runs: int, messages: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generated = _generate(count, seed=12)
    generate_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    conversations = generated["conversations"]
    # Spread over the inbox, so the messages touch rows all over the tables.
    picked = conversations[:: max(1, len(conversations) // (messages + 10))][: messages + 10]
    message_figures = _time_messages(picked, min(messages, len(picked) - 10))
    sweep_figures = _time_sweep(generated["now"], runs)
    return {
        "vendor": connection.vendor,
        "conversations": count,
        "clocks": generated["clocks"],
        "generated_s": round(generate_seconds, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "message": message_figures,
        "sweep": sweep_figures,
    }


def run_child(env: dict[str, str], count: int, runs: int, messages: int) -> dict[str, Any]:
    args = ["--conversations", str(count), "--runs", str(runs), "--messages", str(messages)]
    return run_json_child(__file__, args, env)


def report(name: str, result: dict[str, Any]) -> None:
    sweep, message = result["sweep"], result["message"]
    log(
        f"{name}: {result['conversations']} open conversations, {result['clocks']} clocks "
        f"(generated in {result['generated_s']} s); load average {result['load_average']}"
    )
    log("  query plan of the sweep's selection:")
    for line in sweep["plan"].splitlines():
        log(f"    {line}")
    log("  query plan of the baseline (check_at + 0, no index):")
    for line in sweep["baseline_plan"].splitlines():
        log(f"    {line}")
    run, selection, scan = sweep["run"], sweep["selection"], sweep["baseline_scan"]
    log(
        f"  sweep.run: {sweep['runs']} runs every {sweep['step_seconds']:.0f} s simulated, "
        f"{sweep['handled']['warned']} warnings and {sweep['handled']['breached']} breaches: "
        f"p50 {run['p50_ms']:.2f} ms  p95 {run['p95_ms']:.2f} ms  max {run['max_ms']:.2f} ms "
        f"(CPU p95 {sweep['run_cpu']['p95_ms']:.2f} ms)"
    )
    idle = sweep["idle_run"]
    log(
        f"  {sweep['items_per_run']} warnings and breaches a run, about {sweep['ms_per_item']} ms"
        f" each; a run with nothing due: p50 {idle['p50_ms']:.2f} ms  p95 {idle['p95_ms']:.2f} ms"
    )
    log(
        f"  selection alone: p50 {selection['p50_ms']:.2f} ms  p95 {selection['p95_ms']:.2f} ms;"
        f" baseline scan: p50 {scan['p50_ms']:.2f} ms  p95 {scan['p95_ms']:.2f} ms; "
        f"ratio scan/index (p50) {scan['p50_ms'] / max(selection['p50_ms'], 0.001):.0f}x; "
        f"same clocks: {sweep['same_clocks']}"
    )
    with_sla, without = message["with_sla"], message["without_sla"]
    log(
        f"  receive_message ({message['messages']} customer messages, alternating): "
        f"CPU mean {with_sla['cpu_mean_ms']:.3f} ms with the SLA listener, "
        f"{without['cpu_mean_ms']:.3f} ms without: the deadline update costs "
        f"{message['sla_cpu_mean_ms']:.3f} ms CPU (median difference "
        f"{message['sla_cpu_median_ms']:.3f} ms); wall p50 {with_sla['p50_ms']:.2f} vs "
        f"{without['p50_ms']:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40, help="timed sweep runs")
    parser.add_argument("--messages", type=int, default=300, help="timed customer messages")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.conversations < 100 or args.messages < 2 or args.runs < 1:
        parser.error("at least 100 conversations, 2 messages and 1 run")
    if args.child:
        print(json.dumps(child(args.conversations, args.runs, args.messages)))
        return
    log(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    results = on_each_database(
        "kefu_bench_sla",
        args.no_postgres,
        lambda env: run_child(env, args.conversations, args.runs, args.messages),
        report,
    )
    results["targets"] = {
        "sweep_p95_ms": TARGET_SWEEP_P95_MS,
        "message_cpu_ms": TARGET_MESSAGE_CPU_MS,
    }
    results["targets_met"] = all(
        backend["sweep"]["run"]["p95_ms"] < TARGET_SWEEP_P95_MS
        and backend["message"]["sla_cpu_mean_ms"] < TARGET_MESSAGE_CPU_MS
        for backend in results["backends"].values()
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
