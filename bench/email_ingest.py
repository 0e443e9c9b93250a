"""Email intake: messages/s through parse -> redact -> thread -> store, beside parsing alone.

    .venv/bin/python bench/email_ingest.py [--quick] [--no-postgres]

For SQLite (a WAL file in a temporary directory) and for PostgreSQL (a temporary database
`kefu_email_bench_<pid>` at postgres://postgres@127.0.0.1:5432/, skipped with a note when
unreachable), in a child process on a freshly migrated database it:

1. seeds existing conversations (10,000 then 100,000; 2,000 then 20,000 with --quick),
   each with a customer, their email identity and one inbound message with a Message-ID;
2. builds a mix of raw messages: half new tickets from new senders (UTF-8 and GB18030,
   some with a Gmail-style quoted history), a third replies to seeded conversations by
   In-Reply-To, the rest resends of earlier mail (the de-duplication path);
3. times, in the same process, parsing alone (`parsing.parse` + `inbound.to_inbound`:
   the baseline) and then the whole path (`receiver.store_raw`, which ends in
   `conversations.actions.receive_message`: redaction, threading, de-duplication, the
   acknowledgement and its delivery job row, one transaction per message);
4. repeats step 3 after growing the database to the larger size, so a rate that depends
   on the number of conversations would show.

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from environments import ROOT, exit_on_sigterm, postgres_env, run_captured, sqlite_env

TARGET_SQLITE_PER_S = 400.0
TARGET_POSTGRES_PER_S = 200.0
TEXTS = [
    "我昨天提现的 USDT 到现在还没到账，订单号 W{n}，请帮忙查一下。",
    "充值的 ETH 显示已完成但是余额没有变化，交易哈希已经截图，编号 {n}。",
    "My withdrawal {n} has been pending for two days. Please check what is wrong.",
    "帳號被鎖定了，登入時一直顯示密碼錯誤，請協助解鎖。案件 {n}",
]
QUOTE = "\n\n在 2024年5月3日周五 11:30，Kefu 客服 <support@kefu.example> 写道：\n> 请提供订单号。\n"


def log(line: str) -> None:
    print(line, flush=True)


# ---------------------------------------------------------------- inside Django


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def _seed(start: int, stop: int, inbox_id: int) -> None:
    """Conversations start..stop-1, one customer and one inbound message each, in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from kefu.contacts.models import Contact, ContactIdentity
    from kefu.conversations.models import Conversation, Message

    now = timezone.now()
    batch = 5000
    for first in range(start, stop, batch):
        numbers = range(first, min(first + batch, stop))
        with transaction.atomic():
            contacts = Contact.objects.bulk_create(
                [Contact(name=f"seed {n}", language="zh-Hans") for n in numbers]
            )
            ContactIdentity.objects.bulk_create(
                [
                    ContactIdentity(contact=c, kind="email", value=f"seed{n}@bench.example")
                    for n, c in zip(numbers, contacts, strict=True)
                ]
            )
            conversations = Conversation.objects.bulk_create(
                [
                    Conversation(
                        contact=c,
                        inbox_id=inbox_id,
                        channel="email",
                        subject=f"seed {n}",
                        last_message_at=now,
                    )
                    for n, c in zip(numbers, contacts, strict=True)
                ]
            )
            Message.objects.bulk_create(
                [
                    Message(
                        conversation=conv,
                        kind="inbound",
                        author_contact=c,
                        text=TEXTS[n % len(TEXTS)].format(n=n),
                        external_id=f"seed{n}@bench.example",
                    )
                    for n, c, conv in zip(numbers, contacts, conversations, strict=True)
                ]
            )


def _raw(sender: str, text: str, message_id: str, charset: str = "utf-8", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@kefu.example"
    message["Subject"] = text[:20]
    message["Message-ID"] = f"<{message_id}>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text, charset=charset)
    return message.as_bytes()


def _mix(round_id: str, count: int, seeded: int) -> list[bytes]:
    messages: list[bytes] = []
    for i in range(count):
        kind = i % 6
        text = TEXTS[i % len(TEXTS)].format(n=f"{round_id}-{i}")
        if kind in (0, 1, 2):  # a new ticket from a new sender
            messages.append(
                _raw(
                    f"new{round_id}{i}@bench.example",
                    text + (QUOTE if kind == 1 else ""),
                    f"{round_id}.{i}@client.example",
                    charset="gb18030" if kind == 2 else "utf-8",
                )
            )
        elif kind in (3, 4):  # a reply to an existing conversation
            n = (i * 7919) % seeded
            messages.append(
                _raw(
                    f"seed{n}@bench.example",
                    text + QUOTE,
                    f"{round_id}.{i}@client.example",
                    In_Reply_To=f"<seed{n}@bench.example>",
                )
            )
        else:  # a resend of the ticket opened three messages earlier (new Message-ID)
            earlier = TEXTS[(i - 3) % len(TEXTS)].format(n=f"{round_id}-{i - 3}")
            messages.append(
                _raw(f"new{round_id}{i - 3}@bench.example", earlier, f"{round_id}.{i}.again@x")
            )
    return messages


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else float("inf")


def step_run(sizes: list[int], count: int) -> dict[str, Any]:
    _django()
    from django.core.management import call_command
    from django.db import connection

    from kefu.conversations.models import Conversation, Message
    from kefu.inboxes.email import inbound, parsing
    from kefu.inboxes.email.models import Mailbox
    from kefu.inboxes.email.receiver import store_raw
    from kefu.inboxes.models import Inbox

    call_command("migrate", verbosity=0)
    inbox = Inbox.objects.create(name="Support mail", channel="email")
    mailbox = Mailbox.objects.create(inbox=inbox, address="support@kefu.example")
    results: dict[str, Any] = {"vendor": connection.vendor}
    seeded = 0
    for size in sizes:
        started = time.perf_counter()
        _seed(seeded, size, inbox.pk)
        seeded = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        fill_s = time.perf_counter() - started
        messages = _mix(f"r{size}", count, seeded)
        started = time.perf_counter()
        for raw in messages:
            inbound.to_inbound(parsing.parse(raw), inbox, raw)
        parse_s = time.perf_counter() - started
        before = Conversation.objects.count()
        started = time.perf_counter()
        for raw in messages:
            store_raw(mailbox, raw)
        store_s = time.perf_counter() - started
        opened = Conversation.objects.count() - before
        results[str(size)] = {
            "existing_conversations": size,
            "messages": count,
            "seed_s": round(fill_s, 1),
            "parse_per_s": _rate(count, parse_s),
            "ingest_per_s": _rate(count, store_s),
            "ingest_over_parse": round(parse_s / store_s, 3) if store_s else None,
            "new_conversations": opened,
            "stored_messages": Message.objects.filter(external_id__startswith=f"r{size}.").count(),
        }
    return results


# ---------------------------------------------------------------- orchestration


# Acknowledgements are queued as jobs; nothing may try to send them.
EMAIL_ENV = {"KEFU_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}


def run_child(env: dict[str, str], sizes: list[int], count: int) -> dict[str, Any]:
    done = run_captured(
        [sys.executable, __file__, "--step", ",".join(map(str, sizes)), "--count", str(count)],
        env=env,
        cwd=ROOT,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the run failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(name: str, result: dict[str, Any], sizes: list[int]) -> None:
    for size in sizes:
        row = result[str(size)]
        log(
            f"{name:10} {size:>7} conversations: ingest {row['ingest_per_s']:>7} msg/s, "
            f"parse alone {row['parse_per_s']:>7} msg/s (ratio {row['ingest_over_parse']}), "
            f"{row['new_conversations']} tickets opened from {row['messages']} messages"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run of under a minute")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.step:
        print(json.dumps(step_run([int(s) for s in args.step.split(",")], args.count)))
        return
    sizes = [2_000, 20_000] if args.quick else [10_000, 100_000]
    count = 300 if args.quick else 1_000
    figures: dict[str, Any] = {
        "quick": args.quick,
        "sizes": sizes,
        "messages_per_round": count,
        "target_sqlite_per_s": TARGET_SQLITE_PER_S,
        "target_postgres_per_s": TARGET_POSTGRES_PER_S,
    }
    with tempfile.TemporaryDirectory(prefix="kefu-email-bench-") as tmp:
        with sqlite_env(Path(tmp), EMAIL_ENV) as env:
            figures["sqlite"] = run_child(env, sizes, count)
        report("SQLite", figures["sqlite"], sizes)
        if args.no_postgres:
            figures["postgres"] = {"skipped": "--no-postgres"}
        else:
            try:
                with postgres_env(Path(tmp), "kefu_email_bench", EMAIL_ENV) as env:
                    figures["postgres"] = run_child(env, sizes, count)
                report("PostgreSQL", figures["postgres"], sizes)
            except Exception as error:  # unreachable server: say so, keep the SQLite figures
                figures["postgres"] = {"skipped": f"PostgreSQL unavailable: {error}"}
                log(f"PostgreSQL skipped: {error}")
    slowest = min(figures["sqlite"][str(size)]["ingest_per_s"] for size in sizes)
    figures["target_met_sqlite"] = slowest >= TARGET_SQLITE_PER_S
    verdict = "met" if figures["target_met_sqlite"] else "NOT met"
    log(f"target >= {TARGET_SQLITE_PER_S} msg/s on SQLite: {verdict} (slowest {slowest})")
    if "skipped" not in figures["postgres"]:
        slowest = min(figures["postgres"][str(size)]["ingest_per_s"] for size in sizes)
        figures["target_met_postgres"] = slowest >= TARGET_POSTGRES_PER_S
        verdict = "met" if figures["target_met_postgres"] else "NOT met"
        log(f"target >= {TARGET_POSTGRES_PER_S} msg/s on PostgreSQL: {verdict} (slowest {slowest})")
    # Two cores shared with other work: a figure means little without the load beside it.
    figures["load_average"] = os.getloadavg()
    log("load average (1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in figures["load_average"]))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
