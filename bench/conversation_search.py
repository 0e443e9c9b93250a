"""Console conversation search at 100,000 conversations, beside a LIKE scan.

    .venv/bin/python bench/conversation_search.py [--quick] [--conversations 100000]
                                                  [--no-postgres]

For SQLite (a file in a temporary directory) and for PostgreSQL (a temporary database
`kefu_bench_convsearch_<pid>` at postgres://postgres@127.0.0.1:5432/, skipped with a note
when unreachable), a child process:

1. migrates a fresh database and generates conversations the way an exchange's inbox
   has them: contacts with an email (some with a Telegram handle or a phone), 1–4
   messages each from a pool of customer questions and agent answers in zh-Hans, zh-Hant
   and English, with assets, networks, amounts and order numbers mixed in, so most
   words are common and a few are rare;
2. indexes them with the code `kefu conversations reindex` runs (`indexing.index_many`)
   and reports conversations indexed per second;
3. times agent queries — Chinese words typed without spaces, zh-Hant, synonyms, English,
   an email, a Telegram handle, phone digits, ticket numbers, a rare order number, and
   common words combined with the inbox filters — through
   `kefu.conversations.search.query.search_page` (the console's page of 25 with its
   snippets), p50/p95 over every run;
4. times the baseline on the same queries in the same run: the inbox queryset narrowed
   with `icontains` on the subject and on any message (SQL LIKE over every message),
   newest first, one page.

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import json
import os
import platform
import random
import time
from datetime import timedelta
from typing import Any

from environments import exit_on_sigterm, on_each_database, run_json_child
from measure import log
from search import summary_ms

TARGET_P95_MS = 50.0
ASSETS = ["BTC", "ETH", "USDT", "USDC", "TRX", "XRP", "SOL", "BNB", "DOGE", "TON"]
NETWORKS = ["TRC20", "ERC20", "BEP20", "Solana", "Polygon", "Arbitrum"]
QUESTIONS = {
    "zh-Hans": [
        "我的提现还没到账，已经等了{h}小时",
        "{asset}充值没到账，网络是{net}，金额{amount}",
        "账号被冻结了，怎么解冻",
        "忘记密码了，收不到重置邮件",
        "谷歌验证器丢了，无法登录",
        "实名认证一直审核失败",
        "手续费为什么这么高",
        "订单{order}交易失败但是扣款了",
        "APP打开就闪退",
        "有人冒充客服联系我，让我转账",
        "我要投诉，问题三天没人处理",
        "想修改绑定的手机号",
    ],
    "zh-Hant": [
        "我的提現還沒到帳，已經等了{h}小時",
        "{asset}充值沒到帳，網路是{net}",
        "帳號被鎖定了，怎麼解鎖",
        "實名認證失敗",
        "訂單{order}交易失敗",
    ],
    "en": [
        "My withdrawal of {amount} {asset} has been pending for {h} hours",
        "Deposit missing, sent {asset} on {net}",
        "My account is locked after too many login attempts",
        "I lost my google authenticator",
        "KYC verification rejected again",
        "Why are the trading fees so high",
        "Order {order} failed but my balance was charged",
        "The app crashes on start",
        "Someone claiming to be support asked for my seed phrase",
    ],
}
ANSWERS = {
    "zh-Hans": [
        "您好，请提供交易哈希，我们帮您查询。",
        "提现审核中，预计48小时内完成。",
        "请检查充值地址和网络是否一致，缺少备注的话需要人工处理。",
        "已为您提交解冻申请，需要验证身份。",
    ],
    "zh-Hant": ["您好，請提供交易哈希，我們幫您查詢。", "提現審核中，預計48小時內完成。"],
    "en": [
        "Please send us the transaction hash and we will check.",
        "Your withdrawal is under review and should complete within 48 hours.",
        "We have frozen the account for your safety; please verify your identity.",
    ],
}
QUERIES = [
    "提现",
    "充值没到账",
    "提現",
    "提币",
    "冻结",
    "谷歌验证",
    "冒充客服",
    "闪退",
    "withdrawal",
    "deposit missing",
    "seed phrase",
    "trc20 usdt",
    "{email}",
    "{handle}",
    "{phone}",
    "{reference}",
    "#{number}",
    "{order}",
]
FILTERED = [("提现", {"status": "open"}), ("withdrawal", {"view": "mine"})]


def _text(rng: random.Random, template: str) -> str:
    return template.format(
        h=rng.randint(2, 96),
        asset=rng.choice(ASSETS),
        net=rng.choice(NETWORKS),
        amount=rng.randint(10, 50_000),
        order=f"W-{rng.randint(100_000, 999_999)}",
    )


def _generate(count: int, seed: int) -> dict[str, Any]:
    """Bulk rows (the actions would take hours for 100k); the index is built afterwards
    by the same code `kefu conversations reindex` runs."""
    from django.utils import timezone

    from kefu.agents.models import Agent, Role
    from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
    from kefu.conversations.models import Conversation, Message, MessageKind, Status
    from kefu.inboxes.models import Channel, Inbox

    rng = random.Random(seed)
    agent = Agent.objects.create_user(username="bench", password="x", role=Role.L1)
    inboxes = [
        Inbox.objects.create(name=str(channel.label), channel=channel)
        for channel in (Channel.WEBCHAT, Channel.EMAIL, Channel.PORTAL)
    ]
    now = timezone.now()
    contacts = Contact.objects.bulk_create(
        [Contact(name=rng.choice(["", "", "张伟", "李娜", "Wang"])) for _ in range(count)],
        batch_size=2000,
    )
    identities = []
    for n, contact in enumerate(contacts):
        identities.append(
            ContactIdentity(contact=contact, kind=IdentityKind.EMAIL, value=f"user{n}@example.com")
        )
        if n % 5 == 0:
            identities.append(
                ContactIdentity(contact=contact, kind=IdentityKind.TELEGRAM, value=f"trader_{n}")
            )
        if n % 7 == 0:
            identities.append(
                ContactIdentity(contact=contact, kind=IdentityKind.PHONE, value=f"+86138{n:08d}")
            )
    ContactIdentity.objects.bulk_create(identities, batch_size=5000)
    conversations = []
    for n, contact in enumerate(contacts):
        inbox = rng.choice(inboxes)
        conversations.append(
            Conversation(
                contact=contact,
                inbox=inbox,
                channel=inbox.channel,
                subject=""
                if inbox.channel == Channel.WEBCHAT
                else rng.choice(["", "Help", "求助"]),
                status=rng.choice([Status.OPEN, Status.OPEN, Status.PENDING, Status.RESOLVED]),
                assignee=agent if n % 10 == 0 else None,
                last_message_at=now - timedelta(minutes=count - n),
            )
        )
    conversations = Conversation.objects.bulk_create(conversations, batch_size=2000)
    messages = []
    orders = []
    for conversation in conversations:
        roll = rng.random()
        language = "zh-Hans" if roll < 0.55 else "zh-Hant" if roll < 0.7 else "en"
        question = _text(rng, rng.choice(QUESTIONS[language]))
        orders += [word for word in question.split() if word.startswith("W-")]
        kinds = [MessageKind.INBOUND]
        kinds += rng.choice([[], [MessageKind.OUTBOUND], [MessageKind.OUTBOUND] * 2])
        kinds += rng.choice([[], [MessageKind.INBOUND]])
        for kind in kinds:
            text = question if kind == MessageKind.INBOUND else rng.choice(ANSWERS[language])
            messages.append(Message(conversation=conversation, kind=kind, text=text))
            question = _text(rng, rng.choice(QUESTIONS[language]))
    Message.objects.bulk_create(messages, batch_size=5000)
    number = conversations[len(conversations) // 3].pk
    return {
        "agent": agent,
        "messages": len(messages),
        "values": {
            "email": f"user{count // 2}@example.com",
            "handle": f"@trader_{(count // 2) // 5 * 5}",
            "phone": f"86138{(count // 3) // 7 * 7:08d}",
            "reference": f"K-{number:06d}",
            "number": str(number),
            "order": rng.choice(orders) if orders else "W-100000",
        },
    }


def child(count: int, repeats: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Exists, OuterRef, Q

    from kefu.conversations.models import Conversation, Message
    from kefu.conversations.search import indexing
    from kefu.conversations.search.query import search_page, search_queryset
    from kefu.conversations.selectors import PAGE_SIZE, InboxFilters, inbox_queryset

    call_command("migrate", verbosity=0)
    generated = _generate(count, seed=11)
    agent = generated["agent"]
    started = time.perf_counter()
    indexing.index_many(
        Conversation.objects.select_related("contact")
        .prefetch_related("contact__identities")
        .order_by("pk")
        .iterator(chunk_size=indexing.BATCH)
    )
    index_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def like(query: str, filters: InboxFilters) -> list[int]:
        in_messages = Message.objects.filter(conversation=OuterRef("pk"), text__icontains=query)
        return list(
            inbox_queryset(agent, filters)
            .filter(Q(subject__icontains=query) | Exists(in_messages))
            .order_by("-last_message_at", "-pk")
            .values_list("pk", flat=True)[:PAGE_SIZE]
        )

    cases = [(q.format(**generated["values"]), InboxFilters()) for q in QUERIES]
    cases += [(q, InboxFilters(**filters)) for q, filters in FILTERED]  # type: ignore[arg-type]
    for query, filters in cases:  # warm-up: caches, the jieba dictionary, OpenCC
        search_page(agent, filters, query)
        like(query, filters)
    timings: dict[str, list[float]] = {"search": [], "like": [], "match": []}
    # This process's CPU time too: on a loaded machine the wall clock includes waiting
    # for a core, the CPU time does not (on PostgreSQL it leaves out the server's work).
    cpu: dict[str, list[float]] = {"search": [], "like": []}
    answered = {"search": 0, "like": 0}
    per_query: dict[str, list[float]] = {}
    for _ in range(repeats):
        for query, filters in cases:
            started, started_cpu = time.perf_counter(), time.process_time()
            found = search_page(agent, filters, query)
            elapsed = time.perf_counter() - started
            cpu["search"].append(time.process_time() - started_cpu)
            timings["search"].append(elapsed)
            per_query.setdefault(query, []).append(elapsed)
            # The same page without its snippets and tags: where the time goes.
            started = time.perf_counter()
            list(search_queryset(agent, filters, query).values_list("pk")[: PAGE_SIZE + 1])
            timings["match"].append(time.perf_counter() - started)
            started, started_cpu = time.perf_counter(), time.process_time()
            matched = like(query, filters)
            timings["like"].append(time.perf_counter() - started)
            cpu["like"].append(time.process_time() - started_cpu)
            answered["search"] += bool(found.conversations)
            answered["like"] += bool(matched)
    runs = repeats * len(cases)
    slowest = sorted(per_query, key=lambda q: -max(per_query[q]))[:3]
    return {
        "vendor": connection.vendor,
        "conversations": count,
        "messages": generated["messages"],
        "indexed_per_s": round(count / index_seconds, 1),
        "queries_timed": runs,
        "load_average": round(os.getloadavg()[0], 1),
        "search": {
            **summary_ms(timings["search"]),
            "cpu_p50_ms": summary_ms(cpu["search"])["p50_ms"],
            "cpu_p95_ms": summary_ms(cpu["search"])["p95_ms"],
            "answered": answered["search"] / runs,
        },
        "search_match_only": summary_ms(timings["match"]),
        "like_scan": {
            **summary_ms(timings["like"]),
            "cpu_p50_ms": summary_ms(cpu["like"])["p50_ms"],
            "cpu_p95_ms": summary_ms(cpu["like"])["p95_ms"],
            "answered": answered["like"] / runs,
        },
        "slowest_search_queries": {q: round(max(per_query[q]) * 1000, 1) for q in slowest},
    }


def run_child(env: dict[str, str], count: int, repeats: int) -> dict[str, Any]:
    return run_json_child(__file__, ["--conversations", str(count), "--repeats", str(repeats)], env)


def report(name: str, result: dict[str, Any]) -> None:
    search, like = result["search"], result["like_scan"]
    log(
        f"{name}: {result['conversations']} conversations, {result['messages']} messages, "
        f"indexed {result['indexed_per_s']}/s; {result['queries_timed']} queries; "
        f"load average {result['load_average']}"
    )
    for label, figures in (("search   ", search), ("LIKE scan", like)):
        log(
            f"  {label} p50 {figures['p50_ms']:.2f} ms  p95 {figures['p95_ms']:.2f} ms  "
            f"(CPU p50 {figures['cpu_p50_ms']:.2f}  p95 {figures['cpu_p95_ms']:.2f})  "
            f"answered {figures['answered']:.0%}"
        )
    match = result["search_match_only"]
    log(f"  (matching alone: p50 {match['p50_ms']:.2f} ms  p95 {match['p95_ms']:.2f} ms)")
    log(f"  p95 ratio LIKE/search: {like['p95_ms'] / search['p95_ms']:.1f}")
    log(f"  slowest searches (ms): {result['slowest_search_queries']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 conversations, 2 repeats")
    parser.add_argument("--conversations", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=0)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    repeats = args.repeats or (2 if args.quick else 5)
    count = args.conversations or (10_000 if args.quick else 100_000)
    if args.child:
        print(json.dumps(child(count, repeats)))
        return
    log(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    results = on_each_database(
        "kefu_bench_convsearch",
        args.no_postgres,
        lambda env: run_child(env, count, repeats),
        report,
    )
    results["target_p95_ms"] = TARGET_P95_MS
    results["target_met"] = all(
        backend["search"]["p95_ms"] < TARGET_P95_MS for backend in results["backends"].values()
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
