"""Conversations created per second through the REST API, and the inbox list at scale.

    .venv/bin/python bench/api_create.py [--quick] [--workers 2,1] [--server uvicorn,gunicorn]
                                         [--no-postgres] [--no-list] [--against-helpdesk]

For SQLite (a WAL file in a temporary directory, the project's settings) and for
PostgreSQL (a temporary database `kefu_bench_<pid>` at postgres://postgres@127.0.0.1:5432/,
skipped with a note when unreachable), it:

1. migrates a fresh database, creates an administrator, an API inbox and a token;
2. starts a real server on a free local port: `uvicorn kefu.asgi:application` (what
   `kefu serve` runs), or with `--server gunicorn` / `gunicorn-gthread` the WSGI entry
   point `kefu.wsgi:application` under gunicorn's sync workers or gthread workers (8
   threads each), each with every count of `--workers`;
3. sends `POST /api/v1/conversations` (a new customer each time, as an app does) at
   concurrency 1, 4 and 16 over keep-alive connections, after a warm-up, and reports
   creates/s with p50/p99 latency;
4. measures the baseline in the same run: the same four rows a create writes (contact,
   identity, conversation, message) inserted one conversation per transaction, first
   through the database driver alone (sqlite3 / psycopg: the ceiling of the database and
   disk), then through the Django ORM (`objects.create` in `transaction.atomic`); the
   API/raw ratio says how much of the database's capacity the whole HTTP stack delivers;
5. fills 100,000 conversations with a message each (20,000 with --quick) by bulk_create,
   runs ANALYZE, and times the inbox list for the common filters (all, unassigned,
   status=open, mine): `kefu.conversations.selectors.inbox_page` in-process, and the API
   list endpoint over HTTP, p50/p95 over repeated calls, with the query plans.

With `--against-helpdesk`, right after Kefu's SQLite creates, the django-helpdesk harness
(`../shared/anchors/django_helpdesk` from the project root, or `--helpdesk-anchor`) is
built in a temporary folder and measured at concurrency 16 (gunicorn -w 2, SQLite); its
creates/s and p99 and Kefu's best SQLite c16 figures over them go into the JSON line.

Human-readable lines first; the last line is one JSON object with every figure.
Subcommands (`--step …`) are the same file run inside the temporary environment.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from environments import (
    ROOT,
    Server,
    exit_on_sigterm,
    postgres_env,
    postgres_unreachable,
    run_captured,
    run_json_step,
    served,
    sqlite_env,
    uvicorn_server,
)
from measure import free_port, log, percentile

TARGETS = {"creates_per_s_c16_sqlite": 300.0, "p99_ms_c16_sqlite": 100.0, "list_p95_ms": 50.0}
TEXTS = [
    "我昨天提现的 USDT 到现在还没到账，订单号 W20240501，请帮忙查一下。",
    "充值的 ETH 显示已完成但是余额没有变化，交易哈希已经截图。",
    "My withdrawal has been pending for two days, order W-88213. Please check.",
    "帳號被鎖定了，登入時一直顯示密碼錯誤，請協助解鎖。",
]
INTENTS = [None, "withdrawal_delayed", "deposit_missing", "account_stolen", "fees", "login_failed"]
LIST_FILTERS: dict[str, dict[str, Any]] = {
    "all": {},
    "unassigned": {"view": "unassigned"},
    "status_open": {"status": "open"},
    "mine": {"view": "mine"},
}


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


# ---------------------------------------------------------------- steps (inside Django)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def step_setup() -> dict[str, Any]:
    _django()
    from kefu.agents.models import Agent, Role
    from kefu.api.actions import create_token
    from kefu.inboxes.models import Channel, Inbox

    admin = Agent.objects.create_user(
        username="bench-admin",
        password="bench-password-1",
        display_name="Bench Admin",
        role=Role.ADMIN,
        is_staff=True,
    )
    inbox = Inbox.objects.create(name="Bench app", channel=Channel.API)
    _, key = create_token(actor=admin, name="bench", inbox=inbox, acts_as=admin)
    return {"token": key}


def _insert_plan(model: Any, instance: Any, connection: Any) -> tuple[str, list[str], list[Any]]:
    """Table, columns and database values of `instance`, as Django would insert them."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    return model._meta.db_table, columns, values


def _rows(index: int, connection: Any, inbox_id: int) -> list[tuple[str, list[str], list[Any]]]:
    from django.utils import timezone

    from kefu.contacts.models import Contact, ContactIdentity
    from kefu.conversations.models import Conversation, Message

    now = timezone.now()
    contact = Contact(name=f"raw {index}", language="zh-Hans")
    identity = ContactIdentity(contact_id=0, kind="email", value=f"raw{index}@bench.example")
    conversation = Conversation(
        contact_id=0,
        inbox_id=inbox_id,
        channel="api",
        subject="",
        intent="withdrawal_delayed",
        priority="high",
        language="zh-Hans",
        last_message_at=now,
    )
    message = Message(conversation_id=0, author_contact_id=0, kind="inbound", text=TEXTS[0])
    return [
        _insert_plan(Contact, contact, connection),
        _insert_plan(ContactIdentity, identity, connection),
        _insert_plan(Conversation, conversation, connection),
        _insert_plan(Message, message, connection),
    ]


def with_ids(columns: list[str], values: list[Any], **ids: int) -> list[Any]:
    return [ids.get(column, value) for column, value in zip(columns, values, strict=True)]


def step_raw(count: int) -> dict[str, Any]:
    """The same four rows per conversation through the bare driver, one transaction each."""
    _django()
    from django.db import connection

    from kefu.inboxes.models import Inbox

    inbox_id = Inbox.objects.get(name="Bench app").pk
    prepared = [_rows(i, connection, inbox_id) for i in range(count)]
    vendor = connection.vendor
    connection.close()
    placeholder = "?" if vendor == "sqlite" else "%s"
    statements = [
        f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
        f"VALUES ({', '.join([placeholder] * len(columns))}) RETURNING id"
        for table, columns, _ in prepared[0]
    ]

    def one(execute: Callable[[str, list[Any]], int], rows: list[Any]) -> None:
        (
            (_, _, contact),
            (_, identity_columns, identity),
            (_, conversation_columns, conversation),
            (
                _,
                message_columns,
                message,
            ),
        ) = rows
        contact_id = execute(statements[0], contact)
        execute(statements[1], with_ids(identity_columns, identity, contact_id=contact_id))
        conversation_id = execute(
            statements[2], with_ids(conversation_columns, conversation, contact_id=contact_id)
        )
        execute(
            statements[3],
            with_ids(
                message_columns,
                message,
                conversation_id=conversation_id,
                author_contact_id=contact_id,
            ),
        )

    started = time.perf_counter()
    if vendor == "sqlite":
        import sqlite3

        from django.conf import settings

        db = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        started = time.perf_counter()
        for rows in prepared:
            db.execute("BEGIN IMMEDIATE")
            one(lambda sql, params: db.execute(sql, params).fetchone()[0], rows)
            db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        db.close()
    else:
        import psycopg

        pg = psycopg.connect(os.environ["KEFU_DATABASE_URL"])
        started = time.perf_counter()
        with pg.cursor() as cursor:

            def execute(sql: str, params: list[Any]) -> int:
                cursor.execute(sql, params)
                row = cursor.fetchone()
                assert row is not None
                return int(row[0])

            for rows in prepared:
                one(execute, rows)
                pg.commit()
        elapsed = time.perf_counter() - started
        pg.close()
    return {"count": count, "per_s": round(count / elapsed, 1), "seconds": round(elapsed, 3)}


def step_orm(count: int) -> dict[str, Any]:
    """The same four rows through the ORM: one objects.create each, one atomic block each."""
    _django()
    from django.db import transaction
    from django.utils import timezone

    from kefu.contacts.models import Contact, ContactIdentity
    from kefu.conversations.models import Conversation, Message
    from kefu.inboxes.models import Inbox

    inbox = Inbox.objects.get(name="Bench app")
    started = time.perf_counter()
    for index in range(count):
        with transaction.atomic():
            contact = Contact.objects.create(name=f"orm {index}", language="zh-Hans")
            ContactIdentity.objects.create(
                contact=contact, kind="email", value=f"orm{index}@bench.example"
            )
            conversation = Conversation.objects.create(
                contact=contact,
                inbox=inbox,
                channel="api",
                intent="withdrawal_delayed",
                priority="high",
                language="zh-Hans",
                last_message_at=timezone.now(),
            )
            Message.objects.create(
                conversation=conversation, author_contact=contact, kind="inbound", text=TEXTS[0]
            )
    elapsed = time.perf_counter() - started
    return {"count": count, "per_s": round(count / elapsed, 1), "seconds": round(elapsed, 3)}


def step_fill(count: int) -> dict[str, Any]:
    """`count` conversations with one message each, spread like a real inbox."""
    _django()
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from kefu.agents.models import Agent, Role
    from kefu.contacts.models import Contact
    from kefu.conversations.models import Conversation, Message
    from kefu.inboxes.models import Inbox

    rng = random.Random(20_240_501)
    started = time.perf_counter()
    inbox = Inbox.objects.get(name="Bench app")
    me = Agent.objects.get(username="bench-admin")
    # No passwords: hashing twenty of them would cost more than the whole fill.
    colleagues = Agent.objects.bulk_create(
        [
            Agent(username=f"bench-agent-{i}", password="!", display_name=f"坐席 {i}", role=Role.L1)
            for i in range(20)
        ]
    )
    agents = [me, *colleagues]
    contacts = Contact.objects.bulk_create(
        [Contact(name=f"客户 {i}") for i in range(max(1, count // 4))], batch_size=5000
    )
    statuses = ["open"] * 30 + ["pending"] * 15 + ["on_hold"] * 5 + ["resolved"] * 20
    statuses += ["closed"] * 30
    channels = ["api", "webchat", "email", "portal"]
    intents = [
        "",
        "withdrawal_delayed",
        "deposit_missing",
        "login_failed",
        "fees",
        "kyc_verification",
    ]
    priorities = ["low", "normal", "normal", "normal", "high", "urgent"]
    now = timezone.now()
    batch = 5000
    for start in range(0, count, batch):
        with transaction.atomic():
            conversations = Conversation.objects.bulk_create(
                [
                    Conversation(
                        contact=rng.choice(contacts),
                        inbox=inbox,
                        channel=rng.choice(channels),
                        status=rng.choice(statuses),
                        priority=rng.choice(priorities),
                        intent=rng.choice(intents),
                        language="zh-Hans",
                        # 40% unassigned; the rest spread over 21 agents, the token's included.
                        assignee=None if rng.random() < 0.4 else rng.choice(agents),
                        last_message_at=now - timedelta(seconds=rng.randrange(90 * 86400)),
                    )
                    for _ in range(min(batch, count - start))
                ]
            )
            Message.objects.bulk_create(
                [
                    Message(
                        conversation=conversation,
                        author_contact_id=conversation.contact_id,
                        kind="inbound",
                        text=rng.choice(TEXTS),
                    )
                    for conversation in conversations
                ]
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "conversations": Conversation.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def step_list(repeats: int) -> dict[str, Any]:
    """inbox_page for the common filters, in-process: p50/p95 and the plan of each query."""
    _django()
    from django.db import connection

    from kefu.agents.models import Agent
    from kefu.conversations.selectors import InboxFilters, inbox_page, inbox_queryset

    agent = Agent.objects.get(username="bench-admin")
    results: dict[str, Any] = {}
    for name, params in LIST_FILTERS.items():
        filters = InboxFilters(**params)
        for _ in range(3):
            inbox_page(agent, filters)
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            page = inbox_page(agent, filters)
            timings.append(time.perf_counter() - started)
        queryset = inbox_queryset(agent, filters).order_by("-last_message_at", "-pk")[:26]
        sql, sql_params = queryset.query.sql_with_params()
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(explain + sql, sql_params)
            plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
        results[name] = {**summary_ms(timings), "rows": len(page.conversations), "plan": plan}
    return results


def step_baseline(count: int) -> dict[str, Any]:
    return {"raw_driver": step_raw(count), "orm": step_orm(count // 2)}


STEPS: dict[str, Callable[[int], dict[str, Any]]] = {
    "setup": lambda _: step_setup(),
    "baseline": step_baseline,
    "raw": step_raw,
    "orm": step_orm,
    "fill": step_fill,
    "list": step_list,
}


# ---------------------------------------------------------------- orchestration


def tree_cpu_seconds(pid: int) -> float:
    """User+system CPU of a process and its live descendants (uvicorn's workers), from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


def run_step(env: dict[str, str], name: str, arg: int = 0) -> dict[str, Any]:
    return run_json_step(__file__, ["--step", name, "--arg", str(arg)], env, timeout=1800)


def _openapi_answers(base: str) -> bool:
    import httpx

    return httpx.get(base + "/api/openapi.json", timeout=2).status_code == 200


def create_body(tag: str, index: int) -> dict[str, Any]:
    intent = INTENTS[index % len(INTENTS)]
    body: dict[str, Any] = {
        "contact": {"email": f"{tag}-{index}@bench.example", "name": f"客户 {index}"},
        "text": TEXTS[index % len(TEXTS)],
        "external_id": f"{tag}-{index}",
    }
    if intent:
        body["intent"] = intent
    return body


async def _load(
    target: Server, token: str, concurrency: int, total: int, tag: str
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = itertools.count()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    async with httpx.AsyncClient(
        base_url=target.base, headers=headers, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            while (index := next(counter)) < total:
                started = time.perf_counter()
                response = await client.post("/api/v1/conversations", json=create_body(tag, index))
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        cpu = time.process_time()
        server_cpu = tree_cpu_seconds(target.pid)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        server_cpu = tree_cpu_seconds(target.pid) - server_cpu
    return {
        "concurrency": concurrency,
        "requests": total,
        "creates_per_s": round(statuses.get(201, 0) / wall, 1),
        **summary_ms(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "client_cpu_share": round(cpu / wall, 2),
        # CPU the server spent per request: robust to other load on the machine, unlike
        # the rates, and what bounds the rate once the cores are the limit.
        "server_cpu_ms_per_request": round(server_cpu / total * 1000, 2),
        # Other work on the machine skews every rate here; the load average says how much.
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


async def _list_http(target: Server, token: str, repeats: int) -> dict[str, Any]:
    import httpx

    results: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=target.base, headers=headers, timeout=60) as client:
        for name, params in LIST_FILTERS.items():
            for _ in range(3):
                await client.get("/api/v1/conversations", params=params)
            timings = []
            for _ in range(repeats):
                started = time.perf_counter()
                response = await client.get("/api/v1/conversations", params=params)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
            results[name] = {**summary_ms(timings), "rows": len(response.json()["items"])}
    return results


SERVERS = ("uvicorn", "gunicorn", "gunicorn-gthread")
HELPDESK_ANCHOR = ROOT.parent / "shared" / "anchors" / "django_helpdesk"


@contextlib.contextmanager
def gunicorn_server(
    env: dict[str, str], port: int, workers: int, worker_class: str, log_path: Path
) -> Iterator[Server]:
    """gunicorn serving kefu.wsgi on 127.0.0.1:`port` until the block ends."""
    command = [
        sys.executable, "-m", "gunicorn", "kefu.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", worker_class, "--threads", "8" if worker_class == "gthread" else "1",
        "--keep-alive", "120", "--log-level", "warning",
    ]  # fmt: skip
    with served(command, "gunicorn", env, port, log_path, _openapi_answers) as server:
        yield server


def app_server(
    env: dict[str, str], server: str, workers: int, log_path: Path
) -> "contextlib.AbstractContextManager[Server]":
    if server == "uvicorn":
        return uvicorn_server(
            env, ["kefu.asgi:application"], free_port(), workers, log_path, _openapi_answers
        )
    worker_class = "gthread" if server == "gunicorn-gthread" else "sync"
    return gunicorn_server(env, free_port(), workers, worker_class, log_path)


def measure_helpdesk(anchor: Path, tmp: Path, quick: bool) -> dict[str, Any]:
    """django-helpdesk's REST creates at concurrency 16 by its own harness, built in `tmp`.

    The harness's shell and its gunicorn share one process group, which a bash trap
    stops as a whole when the kernel sends SIGTERM because this bench died.
    """
    work = tmp / "django_helpdesk"
    seconds = ("8", "2") if quick else ("15", "3")
    command = [
        "bash", "-c", 'trap "trap - TERM; kill 0" TERM; "$@" & wait $!', "helpdesk-anchor",
        str(anchor / "run.sh"), str(work), "--conc", "16", "--no-list", "--no-basic",
        "--duration", seconds[0], "--warmup", seconds[1], "--baseline-seconds", "2",
    ]  # fmt: skip
    done = run_captured(command, cwd=anchor, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(
            f"django-helpdesk harness failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
    results = json.loads((work / "results.json").read_text())
    (level,) = [r for r in results["create_session_auth"] if r["concurrency"] == 16]
    return {
        "creates_per_s_c16": level["req_per_s"],
        "p99_ms_c16": level["p99_ms"],
        "errors": level["errors"],
        "server": results["server"]["cmd"],
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def best_c16(levels_by_variant: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return max(
        (level for levels in levels_by_variant.values() for level in levels
         if level["concurrency"] == 16),
        key=lambda level: level["creates_per_s"],
    )  # fmt: skip


def measure_creates(target: Server, token: str, backend: str, quick: bool) -> list[dict[str, Any]]:
    levels = []
    warmup = 10 if quick else 200
    asyncio.run(_load(target, token, 4, warmup, f"warm-{backend}-{os.getpid()}"))
    for concurrency in (1, 4, 16):
        total = (40 if concurrency == 1 else 100) if quick else (600 if concurrency == 1 else 2000)
        tag = f"c{concurrency}-{backend}-{os.getpid()}-{time.time_ns()}"
        level = asyncio.run(_load(target, token, concurrency, total, tag))
        levels.append(level)
        log(
            f"  [{backend}] POST /api/v1/conversations  c={concurrency:<2}  "
            f"{level['creates_per_s']:7.1f} creates/s  p50 {level['p50_ms']:6.1f} ms  "
            f"p99 {level['p99_ms']:6.1f} ms  statuses {level['statuses']}  "
            f"server CPU {level['server_cpu_ms_per_request']:.1f} ms/request "
            f"(client CPU {level['client_cpu_share']:.0%}, load {level['loadavg_1m']})"
        )
    return levels


def run_backend(env: dict[str, str], backend: str, args: argparse.Namespace, tmp: Path) -> Any:
    result: dict[str, Any] = {}
    started = time.perf_counter()
    migrate = run_captured(
        [sys.executable, "-m", "kefu.cli", "migrate", "--noinput", "-v0"],
        env=env, cwd=ROOT, text=True,
    )  # fmt: skip
    if migrate.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{migrate.stderr[-4000:]}")
    token = run_step(env, "setup")["token"]
    result["setup_seconds"] = round(time.perf_counter() - started, 1)

    result["create"] = {}
    with contextlib.ExitStack() as servers:
        # The last server measured stays up for the list part: one start less per backend.
        for server in args.server:
            for workers in args.workers:
                servers.close()
                target = servers.enter_context(
                    app_server(env, server, workers, tmp / f"{server}-{backend}-{workers}.log")
                )
                log(f"  [{backend}] {server} with {workers} worker(s) at {target.base}")
                result["create"][f"{server}_workers_{workers}"] = measure_creates(
                    target, token, backend, args.quick
                )
        servers.close()
        if backend == "sqlite" and args.against_helpdesk:
            log(f"  [{backend}] django-helpdesk harness (gunicorn -w 2, SQLite), c=16 ...")
            helpdesk = measure_helpdesk(args.helpdesk_anchor, tmp, args.quick)
            kefu = best_c16(result["create"])
            result["against_helpdesk"] = {
                "helpdesk": helpdesk,
                "kefu_creates_per_s_c16": kefu["creates_per_s"],
                "kefu_p99_ms_c16": kefu["p99_ms"],
                "ratio_creates": round(kefu["creates_per_s"] / helpdesk["creates_per_s_c16"], 2),
            }
            log(
                f"  [{backend}] django-helpdesk c=16 {helpdesk['creates_per_s_c16']:.1f} "
                f"creates/s p99 {helpdesk['p99_ms_c16']:.1f} ms | Kefu {kefu['creates_per_s']:.1f}"
                f" creates/s p99 {kefu['p99_ms']:.1f} ms | ratio "
                f"{result['against_helpdesk']['ratio_creates']}x (load {helpdesk['loadavg_1m']})"
            )

        raw_count = 200 if args.quick else 2000
        baseline = run_json_step(
            __file__, ["--step", "baseline", "--arg", str(raw_count)], env, timeout=1800
        )
        result["baseline_raw_driver"] = baseline["raw_driver"]
        result["baseline_orm"] = baseline["orm"]
        raw = result["baseline_raw_driver"]["per_s"]
        log(
            f"  [{backend}] baseline: driver {raw:.0f} conversations/s (4 INSERTs, 1 "
            f"transaction each), ORM {result['baseline_orm']['per_s']:.0f}/s"
        )
        result["ratio_api_to_raw"] = {}
        for workers, levels in result["create"].items():
            for level in levels:
                key = f"{workers}_c{level['concurrency']}"
                result["ratio_api_to_raw"][key] = round(level["creates_per_s"] / raw, 3)
        log(f"  [{backend}] API/raw: {result['ratio_api_to_raw']}")

        if args.no_list:
            return result
        target = servers.enter_context(
            app_server(env, args.server[-1], args.workers[-1], tmp / f"list-{backend}.log")
        )
        fill = 20_000 if args.quick else 100_000
        result["fill"] = run_json_step(
            __file__, ["--step", "fill", "--arg", str(fill)], env, timeout=1800
        )
        log(
            f"  [{backend}] filled: {result['fill']['conversations']} conversations "
            f"in {result['fill']['seconds']} s"
        )
        repeats = 10 if args.quick else 60
        result["inbox_list_selector"] = run_json_step(
            __file__, ["--step", "list", "--arg", str(repeats)], env, timeout=1800
        )
        result["inbox_list_api"] = asyncio.run(_list_http(target, token, repeats))
        result["inbox_list_api_workers"] = args.workers[-1]
    for name in LIST_FILTERS:
        selector = result["inbox_list_selector"][name]
        http = result["inbox_list_api"][name]
        log(
            f"  [{backend}] inbox list {name:<12} selector p50 {selector['p50_ms']:6.1f} ms "
            f"p95 {selector['p95_ms']:6.1f} ms | API p50 {http['p50_ms']:6.1f} ms "
            f"p95 {http['p95_ms']:6.1f} ms"
        )
    return result


def targets(results: dict[str, Any]) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    sqlite = results["backends"].get("sqlite")
    if not isinstance(sqlite, dict) or "create" not in sqlite:
        return checks
    best = best_c16(sqlite["create"])
    checks["sqlite_c16_creates_per_s"] = {
        "value": best["creates_per_s"],
        "target": f">= {TARGETS['creates_per_s_c16_sqlite']}",
        "met": best["creates_per_s"] >= TARGETS["creates_per_s_c16_sqlite"],
    }
    checks["sqlite_c16_p99_ms"] = {
        "value": best["p99_ms"],
        "target": f"< {TARGETS['p99_ms_c16_sqlite']}",
        "met": best["p99_ms"] < TARGETS["p99_ms_c16_sqlite"],
    }
    for backend, data in results["backends"].items():
        if not isinstance(data, dict) or "inbox_list_selector" not in data:
            continue
        worst = max(v["p95_ms"] for v in data["inbox_list_selector"].values())
        checks[f"{backend}_inbox_list_selector_p95_ms"] = {
            "value": worst,
            "target": f"< {TARGETS['list_p95_ms']}",
            "met": worst < TARGETS["list_p95_ms"],
        }
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run of under a minute")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-list", action="store_true", help="skip the inbox list part")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--workers",
        default="",
        help="uvicorn worker counts, comma-separated; the last one also serves the list part "
        "(default: 1 with --quick, 2,1 otherwise)",
    )
    parser.add_argument(
        "--server",
        default="uvicorn",
        help=f"app servers to measure, comma-separated, of: {', '.join(SERVERS)}",
    )
    parser.add_argument(
        "--against-helpdesk",
        action="store_true",
        help="also measure django-helpdesk's creates at c16 on SQLite, in this run",
    )
    parser.add_argument(
        "--helpdesk-anchor",
        type=Path,
        default=HELPDESK_ANCHOR,
        help="the django-helpdesk harness (default: ../shared/anchors/django_helpdesk)",
    )
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--arg", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.step:
        print(json.dumps(STEPS[args.step](args.arg)))
        return
    args.workers = [int(w) for w in args.workers.split(",") if w] or ([1] if args.quick else [2, 1])
    args.server = [name for name in args.server.split(",") if name]
    if unknown := set(args.server) - set(SERVERS):
        parser.error(f"unknown server(s) {', '.join(sorted(unknown))}: use {', '.join(SERVERS)}")
    if args.against_helpdesk and not (args.helpdesk_anchor / "run.sh").is_file():
        parser.error(
            f"no django-helpdesk harness at {args.helpdesk_anchor} (run.sh missing): "
            "give its folder with --helpdesk-anchor"
        )

    results: dict[str, Any] = {
        "benchmark": "api_create",
        "quick": args.quick,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "settings": os.environ.get("DJANGO_SETTINGS_MODULE", "kefu.settings"),
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
        },
        "backends": {},
    }
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    try:
        log(f"SQLite (WAL) in {tmp / 'sqlite'}")
        with sqlite_env(tmp) as env:
            results["backends"]["sqlite"] = run_backend(env, "sqlite", args, tmp)
        why_not = "skipped (--no-postgres)" if args.no_postgres else postgres_unreachable()
        if why_not:
            log(f"PostgreSQL: {why_not}")
            results["backends"]["postgresql"] = {"skipped": why_not}
        else:
            with postgres_env(tmp, "kefu_bench") as env:
                results["backends"]["postgresql"] = run_backend(env, "postgresql", args, tmp)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results["targets"] = targets(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    for name, check in results["targets"].items():
        verdict = "met" if check["met"] else "MISSED"
        log(f"target {name}: {check['value']} ({check['target']}) {verdict}")
    log(f"total {results['seconds']} s")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
