"""Inbound webhooks stored per second through each messaging adapter, beside the REST API.

    .venv/bin/python bench/messaging.py [--requests 600] [--concurrency 16] [--workers 1]
                                        [--postgres]

On SQLite (WAL, a temporary file; with --postgres also on a throwaway PostgreSQL
database) it:

1. migrates a fresh database and creates an API inbox with a token, a Telegram bot, a
   WeChat Official Account in safe mode (AES), a Facebook page, an X account and a
   Weibo account, each on its own inbox;
2. starts a real server, `uvicorn kefu.asgi:application`, on a free local port, and one
   `kefu db_worker` for the jobs (WeChat's messages are stored by a job: its view must
   answer within WeChat's 5 seconds whatever the database is doing);
3. sends, at `--concurrency` requests at once, `--requests` deliveries to each entry
   point, each from a new customer, as the platforms send them:
   * the baseline, `POST /api/v1/conversations` with a bearer token (what an app's own
     backend does; stored when answered);
   * Telegram's webhook: an Update as JSON with the `X-Telegram-Bot-Api-Secret-Token`
     header (stored when answered);
   * WeChat's webhook: the message XML encrypted with WeChatCrypto, signed, the
     answer `success` at once; stored when the job has run. Its "stored per second"
     counts from the first request to the last message stored;
   * Messenger's webhook: a page batch as JSON signed with X-Hub-Signature-256 (HMAC-
     SHA256 with the app secret), answered at once, stored by the job (which also asks
     the Graph API for a new customer's name: pointed at a closed local port, so that
     lookup fails at once, as a page without that permission does);
   * X's webhook: an Account Activity DM event signed with x-twitter-webhooks-signature
     (base64 HMAC-SHA256 with the consumer secret), stored when answered;
   * Weibo's push URL: the push JSON with its SHA-1 signature in the query, stored when
     answered.

Reported per entry point: answers per second, p50/p99 of the answer, messages stored per
second, and the ratio of each adapter's stored rate to the API's in the same run. The
aim is WeChat's answer p99 < 500 ms at this load. Human-readable lines first; the last
line is one JSON object with every figure.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import api_create
from environments import (
    ROOT,
    Server,
    exit_on_sigterm,
    on_each_database,
    run_json_step,
    start_child,
    stop_child,
    uvicorn_server,
)
from measure import free_port, latency_ms, log

AIM_WECHAT_P99_MS = 500.0
TELEGRAM_TOKEN = "123456789:bench-bench-bench-bench-bench-bench"
TELEGRAM_SECRET = "bench-secret-token_0123456789"
WECHAT = {
    "app_id": "wx5823bf96d3bd56c7",
    "app_secret": "9f4c2b7e1a8d3f6c0b5e2a7d4c1f8e3b",
    "token": "kefu-bench-token",
    "encoding_aes_key": base64.b64encode(bytes(range(1, 33))).decode().rstrip("="),
    "original_id": "gh_7f083739789a",
}
MESSENGER = {
    "page_id": "104857600000777",
    "app_secret": "bench-app-secret-0123456789abcdef",
    "page_access_token": "bench-page-token",
    "verify_token": "bench-verify",
}
X = {
    "user_id": "1500000000000000001",
    "username": "kefuexchange",
    "consumer_key": "bench-consumer-key",
    "consumer_secret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "access_token": "1500000000000000001-bench",
    "access_token_secret": "bench-access-token-secret",
}
WEIBO = {
    "uid": "7510000002",
    "app_key": "3512345678",
    "app_secret": "8f1c2e3d4b5a69788796a5b4c3d2e1f0",
    "access_token": "2.00benchWeiboToken",
}
TEXTS = [
    "我昨天提现的 USDT 到现在还没到账，订单号 W20240501，请帮忙查一下。",
    "My BTC deposit has 3 confirmations but is not credited yet.",
    "帳戶被凍結了，無法登入，請協助處理。",
    "How do I reset my two-factor authentication? I lost my phone.",
]


# ---------------------------------------------------------------- steps (inside Django)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def step_setup() -> dict[str, Any]:
    _django()
    from django.core.management import call_command

    from kefu.inboxes.messenger.models import FacebookPage
    from kefu.inboxes.models import Channel, Inbox
    from kefu.inboxes.telegram.models import TelegramBot
    from kefu.inboxes.wechat.models import WeChatAccount
    from kefu.inboxes.weibo.models import WeiboAccount
    from kefu.inboxes.x.models import XAccount

    call_command("migrate", verbosity=0)
    # The baseline's administrator, API inbox and token, as bench/api_create.py makes them.
    api = api_create.step_setup()
    telegram = Inbox.objects.create(name="Bench bot", channel=Channel.TELEGRAM)
    TelegramBot.objects.create(
        inbox=telegram, token=TELEGRAM_TOKEN, secret_token=TELEGRAM_SECRET, username="kefu_bot"
    )
    wechat = Inbox.objects.create(name="Bench 公众号", channel=Channel.WECHAT)
    WeChatAccount.objects.create(inbox=wechat, display_name="Kefu 客服", **WECHAT)
    messenger = Inbox.objects.create(name="Bench page", channel=Channel.MESSENGER)
    FacebookPage.objects.create(inbox=messenger, name="Kefu Exchange", **MESSENGER)
    x = Inbox.objects.create(name="Bench X", channel=Channel.X)
    XAccount.objects.create(inbox=x, display_name="Kefu Exchange", **X)
    weibo = Inbox.objects.create(name="Bench 微博", channel=Channel.WEIBO)
    WeiboAccount.objects.create(inbox=weibo, screen_name="Kefu交易所", **WEIBO)
    return {
        "token": api["token"],
        "telegram": telegram.pk,
        "wechat": wechat.pk,
        "messenger": messenger.pk,
        "x": x.pk,
        "weibo": weibo.pk,
    }


def step_stored(inbox: int, expected: int) -> dict[str, Any]:
    """Wait until `expected` customer messages are stored in `inbox`; when the last was."""
    _django()
    from django.db.models import Max

    from kefu.conversations.models import Message, MessageKind

    messages = Message.objects.filter(kind=MessageKind.INBOUND, conversation__inbox_id=inbox)
    # A worker that stopped storing (a failing job) ends the wait after 30 s without one.
    seen, progress_at = -1, time.monotonic()
    while (count := messages.count()) < expected and time.monotonic() - progress_at < 30:
        if count != seen:
            seen, progress_at = count, time.monotonic()
        time.sleep(0.2)
    last = messages.aggregate(last=Max("created_at"))["last"]
    return {"stored": count, "last_stored": last.timestamp() if last else None}


# ---------------------------------------------------------------- what each platform sends


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


def api_request(batch: int, index: int, setup: dict[str, Any]) -> Request:
    body = {
        "contact": {"email": f"b{batch}-{index}@bench.example", "name": f"客户 {index}"},
        "text": TEXTS[index % len(TEXTS)],
        "external_id": f"b{batch}-{index}",
    }
    headers = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}
    return Request("/api/v1/conversations", headers, json.dumps(body).encode())


def telegram_request(batch: int, index: int, setup: dict[str, Any]) -> Request:
    # A new user per request; the batch keeps ids apart between loads.
    user = 10_000_000 * (1 + batch) + index
    update = {
        "update_id": user,
        "message": {
            "message_id": index + 1,
            "date": int(time.time()),
            "chat": {"id": user, "type": "private", "first_name": "客户"},
            "from": {"id": user, "is_bot": False, "first_name": "客户", "language_code": "zh-hans"},
            "text": TEXTS[index % len(TEXTS)],
        },
    }
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        "Content-Type": "application/json",
    }
    return Request(f"/telegram/{setup['telegram']}/webhook/", headers, json.dumps(update).encode())


def wechat_request(batch: int, index: int, setup: dict[str, Any]) -> Request:
    from wechatpy.crypto import WeChatCrypto

    openid = f"oBench{batch}x{index:010d}"
    msg_id = f"{batch + 1}{index:012d}"
    xml = (
        f"<xml><ToUserName><![CDATA[{WECHAT['original_id']}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{TEXTS[index % len(TEXTS)]}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )
    timestamp, nonce = str(int(time.time())), f"n{index}"
    crypto = WeChatCrypto(WECHAT["token"], WECHAT["encoding_aes_key"], WECHAT["app_id"])
    encrypted = ElementTree.fromstring(crypto.encrypt_message(xml, nonce, timestamp))
    signature = hashlib.sha1(
        "".join(sorted([WECHAT["token"], timestamp, nonce])).encode()
    ).hexdigest()
    query = (
        f"signature={signature}&timestamp={timestamp}&nonce={nonce}&openid={openid}"
        f"&encrypt_type=aes&msg_signature={encrypted.findtext('MsgSignature')}"
    )
    body = (
        f"<xml><ToUserName><![CDATA[{WECHAT['original_id']}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted.findtext('Encrypt')}]]></Encrypt></xml>"
    )
    headers = {"Content-Type": "text/xml"}
    return Request(f"/wechat/{setup['wechat']}/?{query}", headers, body.encode())


def messenger_request(batch: int, index: int, setup: dict[str, Any]) -> Request:
    psid, now = f"{batch + 1}{index:015d}", int(time.time() * 1000)
    event = {
        "sender": {"id": psid},
        "recipient": {"id": MESSENGER["page_id"]},
        "timestamp": now,
        "message": {"mid": f"m_bench{batch}x{index}", "text": TEXTS[index % len(TEXTS)]},
    }
    entry = {"id": MESSENGER["page_id"], "time": now, "messaging": [event]}
    body = json.dumps({"object": "page", "entry": [entry]}).encode()
    digest = hmac.new(MESSENGER["app_secret"].encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}
    return Request(f"/messenger/{setup['messenger']}/webhook/", headers, body)


def x_request(batch: int, index: int, setup: dict[str, Any]) -> Request:
    user = str(10_000_000 * (1 + batch) + index)  # a new X user per request
    event = {
        "type": "message_create",
        "id": f"{batch + 1}{index:012d}",
        "created_timestamp": str(int(time.time() * 1000)),
        "message_create": {
            "target": {"recipient_id": X["user_id"]},
            "sender_id": user,
            "message_data": {"text": TEXTS[index % len(TEXTS)], "entities": {"urls": []}},
        },
    }
    users = {user: {"id": user, "name": f"客户 {index}", "screen_name": f"c{user}"}}
    payload = {"for_user_id": X["user_id"], "direct_message_events": [event], "users": users}
    body = json.dumps(payload).encode()
    mac = hmac.new(X["consumer_secret"].encode(), body, hashlib.sha256).digest()
    headers = {
        "x-twitter-webhooks-signature": "sha256=" + base64.b64encode(mac).decode(),
        "Content-Type": "application/json",
    }
    return Request(f"/x/{setup['x']}/webhook/", headers, body)


def weibo_request(batch: int, index: int, setup: dict[str, Any]) -> Request:
    fan = 5_000_000_000 + batch * 1_000_000 + index  # a new fan per request
    beijing = time.gmtime(time.time() + 8 * 3600)
    push = {
        "type": "text",
        "receiver_id": int(WEIBO["uid"]),
        "sender_id": fan,
        "created_at": time.strftime("%a %b %d %H:%M:%S +0800 %Y", beijing),
        "text": TEXTS[index % len(TEXTS)],
        "data": {},
    }
    timestamp, nonce = str(int(time.time() * 1000)), f"{index:08d}"
    signature = hashlib.sha1("".join(sorted([WEIBO["app_secret"], timestamp, nonce])).encode())
    query = f"signature={signature.hexdigest()}&timestamp={timestamp}&nonce={nonce}"
    body = json.dumps(push, ensure_ascii=False).encode()
    return Request(f"/weibo/{setup['weibo']}/?{query}", {"Content-Type": "application/json"}, body)


Build = Callable[[int, int, dict[str, Any]], Request]
TARGETS: dict[str, tuple[Build, str]] = {
    # name: (request builder, the setup key of its inbox, or "" when stored on answer)
    "api": (api_request, ""),
    "telegram": (telegram_request, ""),
    "wechat": (wechat_request, "wechat"),
    "messenger": (messenger_request, "messenger"),
    "x": (x_request, ""),
    "weibo": (weibo_request, ""),
}


# ---------------------------------------------------------------- load


async def _load(
    target: Server, build: Build, batch: int, setup: dict[str, Any], total: int, concurrency: int
) -> dict[str, Any]:
    import aiohttp

    # Built before the clock starts: the load generator shares the machine's two cores.
    requests = [build(batch, index, setup) for index in range(total)]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    counter = itertools.count()
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=120)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(target.base, connector=connector, timeout=timeout) as client:

        async def sender() -> None:
            while (index := next(counter)) < total:
                request = requests[index]
                started = time.perf_counter()
                try:
                    async with client.post(
                        request.path, data=request.body, headers=request.headers
                    ) as response:
                        await response.read()
                        outcome = str(response.status)
                except (aiohttp.ClientError, TimeoutError) as error:
                    outcome = type(error).__name__
                latencies.append(time.perf_counter() - started)
                statuses[outcome] = statuses.get(outcome, 0) + 1

        started_at = time.time()
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    answered = sum(count for status, count in statuses.items() if status.startswith("2"))
    return {
        "requests": total,
        "concurrency": concurrency,
        "answers_per_s": round(answered / wall, 1),
        **latency_ms(latencies),
        "statuses": dict(sorted(statuses.items())),
        "started_at": started_at,
        "wall_s": round(wall, 2),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


@contextmanager
def _worker(env: dict[str, str], log_path: Path) -> Iterator[None]:
    command = [
        sys.executable, "-m", "kefu.cli", "db_worker",
        "--queue-name", "*", "--interval", "0.05", "--no-startup-delay", "--no-reload",
    ]  # fmt: skip
    with log_path.open("w") as output:
        process = start_child(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    try:
        yield
    finally:
        stop_child(process, timeout=15)


def _answers(path: str) -> Callable[[str], bool]:
    def is_up(base: str) -> bool:
        import httpx

        return httpx.get(base + path, timeout=2).status_code == 200

    return is_up


def measure(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    # Nothing listens there: the Messenger job's name lookup fails at once (see above).
    env = {**env, "KEFU_FACEBOOK_GRAPH_URL": f"http://127.0.0.1:{free_port()}"}
    setup = run_json_step(__file__, ["--step", "setup"], env, timeout=600)
    var_dir = Path(env["KEFU_VAR_DIR"])
    port = free_port()
    result: dict[str, Any] = {}
    app = ["kefu.asgi:application"]
    log_path = var_dir / "uvicorn-kefu.log"
    with (
        uvicorn_server(
            env, app, port, args.workers, log_path, _answers("/api/openapi.json")
        ) as kefu,
        _worker(env, var_dir / "worker.log"),
    ):
        for phase, (name, (build, inbox_key)) in enumerate(TARGETS.items()):
            # Warm-up (imports, connections, translations): not measured, not counted.
            warm = asyncio.run(_load(kefu, build, 2 * phase, setup, 20, 4))
            figures = asyncio.run(
                _load(kefu, build, 2 * phase + 1, setup, args.requests, args.concurrency)
            )
            if inbox_key:
                # Stored by the job: counted from the first request to the last stored.
                stored = run_json_step(
                    __file__,
                    ["--step", "stored", "--inbox", str(setup[inbox_key]),
                     "--expected", str(args.requests + warm["requests"])],
                    env,
                    timeout=900,
                )  # fmt: skip
                span = (stored["last_stored"] or figures["started_at"]) - figures["started_at"]
                figures["stored"] = stored["stored"] - warm["requests"]
                figures["stored_per_s"] = round(figures["stored"] / max(span, 0.001), 1)
            else:
                figures["stored"] = figures["statuses"].get("201", 0) + figures["statuses"].get(
                    "200", 0
                )
                figures["stored_per_s"] = figures["answers_per_s"]
            result[name] = figures
    api_rate = result["api"]["stored_per_s"]
    result["ratio_to_api"] = {
        name: round(result[name]["stored_per_s"] / max(api_rate, 0.1), 3) for name in TARGETS
    }
    return result


def report(backend: str, figures: dict[str, Any]) -> None:
    for name in TARGETS:
        f = figures[name]
        log(
            f"  [{backend}] {name:8} c={f['concurrency']}: {f['answers_per_s']:7.1f} answers/s, "
            f"p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms, {f['stored_per_s']:7.1f} stored/s "
            f"({figures['ratio_to_api'][name]:.2f}x the API), statuses {f['statuses']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="per entry point (600)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests at once (16)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (1)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too")
    parser.add_argument("--step", choices=["setup", "stored"], help=argparse.SUPPRESS)
    parser.add_argument("--inbox", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--expected", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.step == "setup":
        print(json.dumps(step_setup()))
        return
    if args.step == "stored":
        print(json.dumps(step_stored(args.inbox, args.expected)))
        return
    started = time.perf_counter()
    results: dict[str, Any] = {
        "benchmark": "messaging",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        **on_each_database(
            "kefu-bench-messaging",
            not args.postgres,
            lambda env: measure(env, args),
            report,
            sqlite_label="SQLite",
        ),
    }
    results["aim_wechat_p99_ms"] = AIM_WECHAT_P99_MS
    results["seconds"] = round(time.perf_counter() - started, 1)
    for backend, figures in results["backends"].items():
        p99 = figures["wechat"]["p99_ms"]
        verdict = "met" if p99 < AIM_WECHAT_P99_MS else "MISSED"
        log(f"aim WeChat answer p99 < {AIM_WECHAT_P99_MS:.0f} ms on {backend}: {p99} ms {verdict}")
    log(f"total {results['seconds']} s")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
