"""Live chat under load: customer WebSockets, agents answering, and a bare echo baseline.

    .venv/bin/python bench/chat_load.py [--quick] [--chats N] [--seconds S] [--rate R]
                                        [--app-processes P] [--no-postgres]

What runs (all on this machine, each a process of its own):

* `P` app processes, `uvicorn kefu.asgi:application`, on free ports, sharing the Redis
  channel layer (KEFU_BENCH_REDIS_URL, default redis://127.0.0.1:6379/12) and a temporary
  database: PostgreSQL `kefu_bench_chat_<pid>` at KEFU_BENCH_POSTGRES_URL when reachable,
  else SQLite in WAL mode. One `kefu db_worker` for the delivery jobs.
* simulated agents: a Django process on the same database and channel layer that hears
  each customer message on the `agents` group (as every console does), reads it, and
  answers through the real `conversations.actions.send_reply`, spread over 20 agents.
* the load: N customer WebSockets (spread over the app processes) each say hello and open
  a chat (warm-up, not measured), then send messages at a steady total rate R for S
  seconds. Latencies: customer→agent is from the customer's send to the agent process
  having the message (event heard and the text read); agent→customer is from just
  before `send_reply` to the customer's socket receiving the frame. Sent and received
  timestamps are wall-clock time on one machine.
* throughput, closed loop, after the steady phase: every socket sends its next message as
  soon as the previous one is acknowledged (stored, numbered, de-duplicated), agents
  paused, for S seconds; then the same N sockets do the same against a bare `websockets`
  echo server (no database, no framework) in another process: the ratio is Kefu's share
  of the echo server's messages per second.

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import websockets
from environments import (
    ROOT,
    exit_on_sigterm,
    run_captured,
    start_child,
    stop_child,
    temporary_postgres,
)
from measure import free_port, latency_ms, log, reachable

REDIS_URL = os.environ.get("KEFU_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
TARGETS = {"chats": 1000, "msgs_per_s": 500.0, "p99_ms": 100.0, "echo_ratio": 0.30}
TEXTS = [
    "我的提现还没到账",
    "USDT 充值显示完成但余额没变",
    "My withdrawal is still pending",
    "帳號被鎖定了",
]
AGENTS = 20


# ---------------------------------------------------------------- steps run as subprocesses


def step_setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from kefu.agents.models import Agent, Availability, Role
    from kefu.inboxes.models import Channel, Inbox

    call_command("migrate", verbosity=0)
    Agent.objects.bulk_create(
        [
            Agent(
                username=f"bench{n}",
                display_name=f"Agent {n}",
                role=Role.L1,
                availability=Availability.ONLINE,
                # They answer from a script, not a console, so no heartbeat keeps them
                # present: a time beyond the run counts them online throughout, as staff.
                last_seen_at=timezone.now() + timedelta(days=1),
                public_id=f"KF-B{n:05d}",
                max_concurrent=1000,
            )
            for n in range(AGENTS)
        ]
    )
    inbox = Inbox.objects.create(name="Bench chat", channel=Channel.WEBCHAT)
    print(json.dumps({"inbox": inbox.pk}))


def step_agents(out: str, stop_file: str, pause_file: str) -> None:
    """Hear customer messages on the agents group and answer each with send_reply."""
    import django

    django.setup()
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from kefu.agents.models import Agent
    from kefu.conversations.actions import send_reply
    from kefu.conversations.models import Message
    from kefu.core.events import AGENTS_GROUP

    agents = list(Agent.objects.filter(username__startswith="bench").order_by("pk"))
    to_agent: list[tuple[float, float]] = []

    def answer(message_id: int) -> None:
        message = Message.objects.select_related("conversation").get(pk=message_id)
        heard = time.time()
        sent_at = float(message.text.rsplit("ts=", 1)[1])
        if os.path.exists(pause_file):
            return  # the closed-loop phase measures the chat channel alone
        to_agent.append((sent_at, heard - sent_at))
        agent = agents[message.conversation_id % len(agents)]
        send_reply(
            conversation=message.conversation, agent=agent, text=f"收到 ts={time.time():.6f}"
        )

    async def main() -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(AGENTS_GROUP, channel)
        work = sync_to_async(answer, thread_sensitive=False)
        limit = asyncio.Semaphore(16)
        tasks: set[asyncio.Task[None]] = set()

        async def run(message_id: int) -> None:
            async with limit:
                try:
                    await work(message_id)
                except Exception as error:  # a bench keeps going; the count shows it
                    print(f"agent error: {error!r}", file=sys.stderr, flush=True)

        print("ready", flush=True)
        while not os.path.exists(stop_file):
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=0.5)
            except TimeoutError:
                continue
            event = message.get("event", {})
            if event.get("kind") == "message_added" and event.get("message_kind") == "inbound":
                task = asyncio.create_task(run(event["message_id"]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        Path(out).write_text(json.dumps(to_agent))

    asyncio.run(main())


def step_echo(port: int) -> None:
    async def echo(connection: Any) -> None:
        async for frame in connection:
            await connection.send(frame)

    async def main() -> None:
        async with websockets.serve(echo, "127.0.0.1", port, max_queue=None):
            print("ready", flush=True)
            await asyncio.Future()

    asyncio.run(main())


# ---------------------------------------------------------------- the load generator


class Customer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.socket: Any = None
        self.to_customer: list[float] = []
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.counter = 0
        self.reader: asyncio.Task[None] | None = None
        self.closed = False

    async def open(self, hello: dict[str, Any] | None) -> None:
        self.socket = await websockets.connect(self.url, max_queue=None, open_timeout=60)
        if hello is not None:
            await self.socket.send(json.dumps(hello))
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.socket:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message" and frame.get("author") == "agent" and "ts=" in frame["text"]:
                    self.to_customer.append(time.time() - float(frame["text"].rsplit("ts=", 1)[1]))
                elif kind in ("ack", "error", "echo"):
                    await self.acks.put(frame)

    async def send(self) -> None:
        self.counter += 1
        text = f"{random.choice(TEXTS)} ts={time.time():.6f}"
        frame = {"type": "message", "client_id": f"m{self.counter}", "text": text}
        try:
            await self.socket.send(json.dumps(frame))
        except websockets.ConnectionClosed:
            # Counted, not fatal: a socket the server dropped shows as a missing ack.
            self.closed = True

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        with contextlib.suppress(Exception):
            await self.socket.close()


class EchoCustomer(Customer):
    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.socket:
                await self.acks.put({"type": "echo", "raw": raw})


async def connect_all(customers: list[Customer], hello: bool) -> None:
    # Opening in small batches: a thousand handshakes at once only measure the backlog.
    for start in range(0, len(customers), 50):
        await asyncio.gather(
            *(c.open({"type": "hello"} if hello else None) for c in customers[start : start + 50])
        )


async def steady(customers: list[Customer], rate: float, seconds: float) -> dict[str, Any]:
    """Each customer sends at rate/N per second, phases spread; returns what was acked."""
    per_customer = rate / len(customers)
    deadline = time.monotonic() + seconds
    acked = errors = 0

    async def drive(customer: Customer) -> None:
        await asyncio.sleep(random.random() / per_customer)
        next_at = time.monotonic()
        while next_at < deadline:
            await customer.send()
            next_at += 1 / per_customer
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async def count(customer: Customer) -> None:
        nonlocal acked, errors
        while True:
            frame = await customer.acks.get()
            if frame["type"] == "ack":
                acked += 1
            else:
                errors += 1

    counters = [asyncio.create_task(count(c)) for c in customers]
    started = time.monotonic()
    await asyncio.gather(*(drive(c) for c in customers))
    await asyncio.sleep(3)  # let the last replies arrive
    elapsed = time.monotonic() - started - 3
    for counter in counters:
        counter.cancel()
    return {
        "acked": acked,
        "errors": errors,
        "sockets_dropped": sum(c.closed for c in customers),
        "msgs_per_s": round(acked / elapsed, 1),
    }


async def closed_loop(customers: list[Customer], seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    done = failed = 0

    async def drive(customer: Customer) -> None:
        nonlocal done, failed
        while time.monotonic() < deadline and not customer.closed:
            await customer.send()
            try:
                frame = await asyncio.wait_for(customer.acks.get(), timeout=30)
            except TimeoutError:
                failed += 1
                return
            if frame["type"] == "error":
                failed += 1
            else:
                done += 1

    started = time.monotonic()
    await asyncio.gather(*(drive(c) for c in customers))
    elapsed = time.monotonic() - started
    return {"messages": done, "errors": failed, "msgs_per_s": round(done / elapsed, 1)}


# ---------------------------------------------------------------- orchestration


@contextlib.contextmanager
def database(use_postgres: bool, tmp: Path) -> Iterator[str]:
    if use_postgres:
        with temporary_postgres("kefu_bench_chat") as url:
            yield url
    else:
        yield ""


def wait_ready(process: subprocess.Popen[str], what: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    if "ready" not in line:
        raise SystemExit(f"{what} did not start: {line}")


def wait_http(port: int) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/chat/demo/", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"app on port {port} did not start")


def run(args: argparse.Namespace) -> dict[str, Any]:
    redis_host, redis_port = REDIS_URL.split("//")[1].split("/")[0].split(":")
    if not reachable(redis_host, int(redis_port)):
        raise SystemExit(f"Redis is not reachable at {REDIS_URL}: the bench needs a shared layer")
    use_postgres = not args.no_postgres and reachable("127.0.0.1", 5432)
    tmp = Path(tempfile.mkdtemp(prefix="kefu-chat-bench-"))
    processes: list[subprocess.Popen[Any]] = []
    results: dict[str, Any] = {
        "chats": args.chats,
        "rate": args.rate,
        "seconds": args.seconds,
        "app_processes": args.app_processes,
        "database": "postgresql" if use_postgres else "sqlite",
        "cpus": os.cpu_count(),
        "targets": TARGETS,
    }
    try:
        with database(use_postgres, tmp) as url:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "kefu.settings",
                "KEFU_VAR_DIR": str(tmp),
                "KEFU_REDIS_URL": REDIS_URL,
                "KEFU_LOG_LEVEL": "WARNING",
                # The closed-loop phase sends as fast as acks return; a person cannot.
                "KEFU_CHAT_MAX_MESSAGES_PER_WINDOW": "100000",
                "KEFU_DB_POOL_MAX": "10",
            }
            if url:
                env["KEFU_DATABASE_URL"] = url
            else:
                env.pop("KEFU_DATABASE_URL", None)
            # Redis DB is flushed: a previous run's groups must not receive this run's events.
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            me = [sys.executable, str(Path(__file__).resolve())]
            setup = run_captured([*me, "--step", "setup"], env=env, text=True)
            if setup.returncode:
                raise SystemExit(f"setup failed:\n{setup.stderr[-3000:]}")
            inbox = json.loads(setup.stdout.strip().splitlines()[-1])["inbox"]
            ports = [free_port() for _ in range(args.app_processes)]
            for port in ports:
                processes.append(
                    start_child(
                        [
                            sys.executable,
                            "-m",
                            "uvicorn",
                            "kefu.asgi:application",
                            "--port",
                            str(port),
                            "--log-level",
                            "warning",
                            "--no-access-log",
                        ],
                        env=env,
                        cwd=ROOT,
                    )
                )
            processes.append(
                start_child(
                    [
                        sys.executable,
                        "-m",
                        "kefu.cli",
                        "db_worker",
                        "--queue-name",
                        "*",
                        "--interval",
                        "0.2",
                        "--no-startup-delay",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            stop_file, pause_file = tmp / "stop", tmp / "pause"
            agent_out = tmp / "agents.json"
            agents = start_child(
                [*me, "--step", "agents", str(agent_out), str(stop_file), str(pause_file)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            processes.append(agents)
            wait_ready(agents, "agent simulator")
            for port in ports:
                wait_http(port)
            log(
                f"{args.app_processes} app process(es), {results['database']}, Redis layer; "
                f"{args.chats} chats, {args.rate} msg/s for {args.seconds} s"
            )

            urls = [f"ws://127.0.0.1:{p}/ws/chat/?inbox={inbox}" for p in ports]
            customers = [Customer(urls[n % len(urls)]) for n in range(args.chats)]

            async def kefu_phases() -> None:
                started = time.monotonic()
                await connect_all(customers, hello=True)
                # Warm-up: every chat opens its conversation (and is answered) first.
                await closed_loop_once(customers)
                await asyncio.sleep(2)
                for customer in customers:
                    customer.to_customer.clear()
                    while not customer.acks.empty():
                        customer.acks.get_nowait()
                Path(agent_out.with_suffix(".mark")).write_text(str(time.time()))
                log(f"warm-up: {args.chats} chats open in {time.monotonic() - started:.1f} s")
                results["steady"] = await steady(customers, args.rate, args.seconds)
                results["agent_to_customer"] = latency_ms(
                    [v for c in customers for v in c.to_customer]
                )
                pause_file.write_text("1")
                await asyncio.sleep(1)
                for customer in customers:
                    while not customer.acks.empty():
                        customer.acks.get_nowait()
                results["kefu_closed_loop"] = await closed_loop(customers, args.seconds)
                await asyncio.gather(*(c.close() for c in customers))

            asyncio.run(kefu_phases())
            stop_file.write_text("1")
            agents.wait(timeout=120)
            heard = json.loads(agent_out.read_text())
            # Only messages sent in the steady phase, not the warm-up's opening ones.
            mark = float(agent_out.with_suffix(".mark").read_text())
            results["customer_to_agent"] = latency_ms(
                [late for sent, late in heard if sent >= mark]
            )

            echo_port = free_port()
            echo = start_child(
                [*me, "--step", "echo", str(echo_port)], env=env, stdout=subprocess.PIPE, text=True
            )
            processes.append(echo)
            wait_ready(echo, "echo server")
            echoes: list[Customer] = [
                EchoCustomer(f"ws://127.0.0.1:{echo_port}/") for _ in range(args.chats)
            ]

            async def echo_phase() -> None:
                await connect_all(echoes, hello=False)
                results["echo_closed_loop"] = await closed_loop(echoes, args.seconds)
                await asyncio.gather(*(c.close() for c in echoes))

            asyncio.run(echo_phase())
    finally:
        stop_child(*processes, timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)
    kefu_rate = results["kefu_closed_loop"]["msgs_per_s"]
    echo_rate = results["echo_closed_loop"]["msgs_per_s"]
    results["echo_ratio"] = round(kefu_rate / echo_rate, 3) if echo_rate else None
    steady_ok = results["steady"]["msgs_per_s"] >= 0.95 * args.rate
    p99s = [results["customer_to_agent"]["p99_ms"], results["agent_to_customer"]["p99_ms"]]
    results["met"] = {
        "rate": steady_ok,
        "p99_under_100ms": all(p < TARGETS["p99_ms"] for p in p99s),
        "echo_ratio_30pct": (results["echo_ratio"] or 0) >= TARGETS["echo_ratio"],
    }
    return results


async def closed_loop_once(customers: list[Customer]) -> None:
    """Each customer sends one message and waits for its ack (opens the conversations)."""
    limit = asyncio.Semaphore(50)

    async def one(customer: Customer) -> None:
        async with limit:
            await customer.send()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(customer.acks.get(), timeout=120)

    await asyncio.gather(*(one(c) for c in customers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 chats, 100 msg/s, 10 s")
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=500, help="customer messages per second")
    parser.add_argument("--app-processes", type=int, default=2)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.step:
        sys.path.insert(0, str(ROOT))
        if args.step == "setup":
            step_setup()
        elif args.step == "agents":
            step_agents(*args.rest)
        elif args.step == "echo":
            step_echo(int(args.rest[0]))
        return
    if args.quick:
        args.chats, args.rate, args.seconds = 200, 100.0, 10.0
    results = run(args)
    log(f"steady: {results['steady']}")
    log(f"customer→agent: {results['customer_to_agent']}")
    log(f"agent→customer: {results['agent_to_customer']}")
    log(
        f"closed loop: kefu {results['kefu_closed_loop']}, echo {results['echo_closed_loop']}, "
        f"ratio {results['echo_ratio']}"
    )
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
