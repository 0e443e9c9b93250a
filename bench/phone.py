"""The phone hotline's IVR webhooks under 200 concurrent callers, beside a bare Django view.

    .venv/bin/python bench/phone.py [--callers 200] [--pause 8] [--calls 300] [--workers 1]
                                    [--postgres]

On SQLite (WAL, a temporary file; with --postgres also on a throwaway PostgreSQL
database) it:

1. migrates a fresh database and creates a Twilio phone line (account SID, auth token);
2. starts a real server, `uvicorn kefu.asgi:application`, on a free local port, with
   KEFU_SITE_URL set to that address, so that Twilio signatures are checked against it;
3. sends calls as Twilio does: three webhooks each, form fields signed with
   `RequestValidator` over the public URL: the incoming call (`voice`: the call logged,
   the welcome and language menu), the language (`language?attempt=1`, Digits=1 or 2:
   the safety line and the topic menu) and the topic (`topic?attempt=1`: the team's
   queue while open, which opens the caller's conversation). Two phases:
   * paced: `--callers` callers at once, one call each, each listening `--pause`
     seconds (±50 %, random) before each webhook, as people in a menu do: the latency a
     caller meets with 200 on the line. Twilio posts the next webhook only once the
     caller has heard the menu and pressed a key; the shortest menu (the topics, with the
     safety line before it) takes well over 8 s to speak, so 8 s is a busy line, and
     `--pause 2` a stress test;
   * saturated: the same callers place `--calls` calls with no pause, each webhook as
     soon as the last is answered: the server's rate (round trips per second);
4. measures the baseline in the same run: the same phases against a bare Django view
   returning static TwiML (no database, no middleware), served the same way (uvicorn,
   same workers) from `baseline_app` below.

Reported: round trips per second (every webhook counts), p50/p99 latency per endpoint
and overall, and Kefu's share of the baseline's saturated rate. The aim is p99 < 50 ms
for the paced callers. Human-readable lines first; the last line is one JSON object with
every figure.
"""

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from environments import (
    ROOT,
    Server,
    exit_on_sigterm,
    postgres_env,
    postgres_unreachable,
    run_json_step,
    sqlite_env,
    uvicorn_server,
)
from measure import free_port, latency_ms, log

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "bench" + "0" * 27
HOTLINE = "+864001230000"
AIM_P99_MS = 50.0
ENDPOINTS = ("voice", "language", "topic")


# ---------------------------------------------------------------- the baseline app


def baseline_app() -> Any:
    """A bare Django project: one URL, a view returning fixed TwiML (uvicorn --factory)."""
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-" + "x" * 40,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


def _static_twiml_view(request: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse(STATIC_TWIML, content_type="text/xml; charset=utf-8")


def _baseline_urls() -> list[Any]:
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    return [path("twiml", csrf_exempt(_static_twiml_view))]


# What the welcome answers, roughly: a menu with four sentences.
STATIC_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="http://127.0.0.1/x" '
    'input="dtmf speech" numDigits="1" timeout="6"><Say language="cmn-CN">您好，欢迎致电客服热线。'
    '</Say><Say language="en-US">Welcome to customer support.</Say></Gather></Response>'
)
urlpatterns = _baseline_urls() if __name__ != "__main__" else []


# ---------------------------------------------------------------- steps (inside Django)


def step_setup() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from kefu.agents.models import Team
    from kefu.inboxes.models import Channel, Inbox
    from kefu.inboxes.phone.models import PhoneLine

    call_command("migrate", verbosity=0)
    Team.objects.create(name="Payments", slug="payments")
    inbox = Inbox.objects.create(name="Bench hotline", channel=Channel.PHONE)
    line = PhoneLine.objects.create(
        inbox=inbox, number=HOTLINE, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN
    )
    return {"line": line.pk}


# ---------------------------------------------------------------- servers and load


def _call_steps(line: int, index: int) -> list[tuple[str, str, dict[str, str]]]:
    """(endpoint, path, fields) of one call's three webhooks."""
    sid = f"CA{index:032x}"
    base = f"/phone/twilio/{line}/"
    caller = {"CallSid": sid, "AccountSid": ACCOUNT_SID, "From": f"+86138{index:08d}"}
    return [
        ("voice", base + "voice", {**caller, "To": HOTLINE, "CallStatus": "ringing"}),
        ("language", base + "language?attempt=1", {**caller, "Digits": str(1 + index % 2)}),
        ("topic", base + "topic?attempt=1", {**caller, "Digits": "2" if index % 3 else "0"}),
    ]


async def _load(
    target: Server, line: int, callers: int, calls: int, baseline: bool, pause: float = 0.0
) -> Any:
    """`callers` at once place `calls` calls; `pause` is the mean time a caller listens
    between webhooks (0: the next webhook at once, the server's saturated rate)."""
    import aiohttp
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(AUTH_TOKEN)
    latencies: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    statuses: dict[str, int] = {}
    counter = itertools.count()
    # aiohttp rather than httpx: the load generator shares the machine's two cores with
    # the server, and aiohttp spends a fraction of httpx's CPU per request.
    connector = aiohttp.TCPConnector(limit=callers, keepalive_timeout=120)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(target.base, connector=connector, timeout=timeout) as client:

        async def caller() -> None:
            while (index := next(counter)) < calls:
                for name, path, fields in _call_steps(line, index):
                    if pause:
                        await asyncio.sleep(random.uniform(0.5, 1.5) * pause)
                    if baseline:
                        path = "/twiml"
                    url = target.base + path
                    headers = {"X-Twilio-Signature": validator.compute_signature(url, fields)}
                    started = time.perf_counter()
                    try:
                        async with client.post(path, data=fields, headers=headers) as response:
                            await response.read()
                            outcome = str(response.status)
                    except (aiohttp.ClientError, TimeoutError) as error:
                        outcome = type(error).__name__
                    latencies[name].append(time.perf_counter() - started)
                    statuses[outcome] = statuses.get(outcome, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(callers)))
        wall = time.perf_counter() - started
    every = [value for values in latencies.values() for value in values]
    return {
        "callers": callers,
        "calls": calls,
        "round_trips": len(every),
        "round_trips_per_s": round(statuses.get("200", 0) / wall, 1),
        **latency_ms(every),
        "endpoints": {name: latency_ms(values) for name, values in latencies.items()},
        "statuses": dict(sorted(statuses.items())),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def _phases(target: Server, line: int, args: argparse.Namespace, baseline: bool) -> Any:
    # Warm-up (imports, connections, translations): not measured.
    asyncio.run(_load(target, line, min(args.callers, 20), 40, baseline))
    return {
        "paced": asyncio.run(
            _load(target, line, args.callers, args.callers, baseline, pause=args.pause)
        ),
        "saturated": asyncio.run(_load(target, line, args.callers, args.calls, baseline)),
    }


def _answers(path: str) -> Callable[[str], bool]:
    """Any answer to a POST (a 403 for an unsigned webhook) means the server is up."""

    def is_up(base: str) -> bool:
        import httpx

        return httpx.post(base + path, timeout=2).status_code < 500

    return is_up


def measure(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    line = run_json_step(__file__, ["--step", "setup"], env, timeout=600)["line"]
    var_dir = Path(env["KEFU_VAR_DIR"])
    port = free_port()
    kefu_env = {**env, "KEFU_SITE_URL": f"http://127.0.0.1:{port}"}
    result: dict[str, Any] = {}
    app = ["kefu.asgi:application"]
    with uvicorn_server(
        kefu_env,
        app,
        port,
        args.workers,
        var_dir / "uvicorn-kefu.log",
        _answers(f"/phone/twilio/{line}/voice"),
    ) as kefu:
        result["kefu"] = _phases(kefu, line, args, baseline=False)
    base_port = free_port()
    app = ["--factory", "--app-dir", str(ROOT / "bench"), "phone:baseline_app"]
    log_path = var_dir / "uvicorn-baseline.log"
    with uvicorn_server(env, app, base_port, args.workers, log_path, _answers("/twiml")) as bare:
        result["baseline"] = _phases(bare, line, args, baseline=True)
    kefu_rate = result["kefu"]["saturated"]["round_trips_per_s"]
    bare_rate = result["baseline"]["saturated"]["round_trips_per_s"]
    result["ratio"] = round(kefu_rate / max(bare_rate, 0.1), 3)
    return result


def report(backend: str, figures: dict[str, Any]) -> None:
    for phase in ("paced", "saturated"):
        for name in ("kefu", "baseline"):
            f = figures[name][phase]
            log(
                f"  [{backend}] {phase:9} {name:8}: {f['round_trips_per_s']:7.1f} round trips/s, "
                f"p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms, statuses {f['statuses']}"
            )
        for endpoint, f in figures["kefu"][phase]["endpoints"].items():
            timing = f"p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms"
            log(f"  [{backend}] {phase:9}   {endpoint:8}: {timing}")
    log(f"  [{backend}] saturated rate, Kefu / bare Django view: {figures['ratio']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, default=200, help="callers at once (200)")
    parser.add_argument(
        "--pause", type=float, default=8.0, help="mean seconds a caller listens per step (8)"
    )
    parser.add_argument("--calls", type=int, default=300, help="calls, saturated phase (300)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (1)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too")
    parser.add_argument("--step", choices=["setup"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.step:
        print(json.dumps(step_setup()))
        return
    started = time.perf_counter()
    results: dict[str, Any] = {
        "benchmark": "phone",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "backends": {},
        "notes": [],
    }
    tmp = Path(tempfile.mkdtemp(prefix="kefu-bench-phone-"))
    try:
        with sqlite_env(tmp) as env:
            results["backends"]["sqlite"] = measure(env, args)
        report("SQLite", results["backends"]["sqlite"])
        why_not = postgres_unreachable() if args.postgres else "not run (no --postgres)"
        if why_not:
            log(f"PostgreSQL: {why_not}")
            results["notes"].append(why_not)
        else:
            with postgres_env(tmp, "kefu_bench_phone") as env:
                results["backends"]["postgresql"] = measure(env, args)
            report("PostgreSQL", results["backends"]["postgresql"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["aim_p99_ms"] = AIM_P99_MS
    results["seconds"] = round(time.perf_counter() - started, 1)
    for backend, figures in results["backends"].items():
        p99 = figures["kefu"]["paced"]["p99_ms"]
        verdict = "met" if p99 < AIM_P99_MS else "MISSED"
        log(f"aim p99 < {AIM_P99_MS:.0f} ms (paced callers) on {backend}: {p99} ms {verdict}")
    log(f"total {results['seconds']} s")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
