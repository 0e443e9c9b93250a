"""The community at 100,000 questions and 500,000 answers: the question page and search,
each beside a plain query of the same rows in the same run.

    .venv/bin/python bench/community.py [--quick] [--questions 100000] [--answers 500000]
                                        [--runs 200] [--database sqlite|postgresql|both]

`--quick` is 2,000 questions and 10,000 answers (a smoke test). For SQLite (a file in a
temporary directory) and/or PostgreSQL (a throwaway database `kefu_bench_community_<pid>`
on the server KEFU_BENCH_POSTGRES_URL names), a child process:

1. migrates a fresh database and inserts, with plain multi-row inserts (COPY on
   PostgreSQL), members, questions and answers written from the bundled help-center
   articles' sentences (half zh-Hans, a fifth zh-Hant, the rest English; assets, networks
   and order numbers mixed in), a fifth of the questions with an official answer and a
   quarter with an accepted one, every answer given to a random question;
2. builds the search index with `kefu.community.search.rebuild` (what `kefu community
   reindex` runs) and reports questions indexed per second;
3. times `--runs` question pages on random questions: the page through Django's test
   Client (`/community/q/<id>/`, the view with its selector `question_thread`, template
   and middleware, read by an anonymous visitor), and a lean read and render of our own
   (the question, then its published posts with their authors: two queries, every post
   rendered), each beside one bare SELECT of the same question's posts;
4. times `kefu.community.search.query.search` (the function behind the help center's
   shared search page) over a fixed set of customer queries in both Chinese scripts and
   English, beside the bare full-text query (the index's matching ids, no ranking, no
   rows) and a LIKE scan of the titles for the query's first word.

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
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from environments import exit_on_sigterm, postgres_env, run_json_child, sqlite_env
from measure import log
from reports import _insert
from search import summary_ms

TARGET_P95_MS = 30.0
MEMBERS = 2000
QUERIES = [
    ("提币没到账", "zh-Hans"),
    ("提幣沒到賬", "zh-Hant"),
    ("充值一直没有到账", "zh-Hans"),
    ("助记词", "zh-Hans"),
    ("账号被冻结了怎么办", "zh-Hans"),
    ("帳號被鎖定", "zh-Hant"),
    ("手续费", "zh-Hans"),
    ("谷歌验证丢了", "zh-Hans"),
    ("USDT TRC20", "zh-Hans"),
    ("withdrawal not arrived", "en"),
    ("my deposit is missing", "en"),
    ("account locked", "en"),
    ("trading fees", "en"),
    ("reset google authenticator", "en"),
    ("seed phrase", "en"),
]
ASSETS = ["BTC", "ETH", "USDT", "USDC", "TRX", "XRP", "TON", "SOL", "BNB", "DOGE"]
NETWORKS = ["TRC20", "ERC20", "BEP20", "Solana", "Polygon", "Arbitrum"]
OPENERS = {
    "zh-Hans": ["请问", "求助：", "急！", "有人知道吗：", ""],
    "zh-Hant": ["請問", "求助：", "急！", ""],
    "en": ["Help: ", "Question: ", "Anyone know? ", ""],
}
REPLIES = {
    "zh-Hans": ["我也遇到了同样的问题。", "等了两个小时就到了。", "联系客服处理了。"],
    "zh-Hant": ["我也遇到了同樣的問題。", "等了兩個小時就到了。", "聯繫客服處理了。"],
    "en": ["Same here.", "It arrived after two hours.", "Support fixed it for me."],
}
PAGE = """{% for post in posts %}<article id="post-{{ post.pk }}">
<header>{% if post.agent %}{{ post.agent.display_name }}
{% if post.official %}<a href="/verify/?id={{ post.agent.public_id }}">official</a>{% endif %}
{% else %}{{ post.member.display_name }}{% endif %} {{ post.created_at|date:"Y-m-d H:i" }}
{% if post.pk == question.accepted_answer_id %}accepted{% endif %} {{ post.score }}</header>
{{ post.body_html|safe }}</article>{% endfor %}<h1>{{ question.title }}</h1>"""


# ------------------------------------------------------------- the child (inside Django)


def _topics() -> dict[str, list[tuple[str, list[str]]]]:
    """Per language: (title, sentences) of each bundled article."""
    from kefu.helpcenter import bundled
    from kefu.helpcenter.rendering import to_plain

    topics: dict[str, list[tuple[str, list[str]]]] = {}
    for article in bundled.articles():
        lines = [line for line in to_plain(article.body).splitlines() if len(line) > 8]
        topics.setdefault(article.language, []).append((article.title, lines))
    return topics


def _language(rng: random.Random) -> str:
    roll = rng.random()
    return "zh-Hans" if roll < 0.5 else "zh-Hant" if roll < 0.7 else "en"


def _generate(questions: int, answers: int, seed: int) -> dict[str, int]:
    """Members, questions and posts inserted straight into the tables (ids chosen here)."""
    from django.db import connection
    from django.utils import timezone

    from kefu.agents.models import Agent, Role
    from kefu.community.models import Member, Post, Question
    from kefu.contacts.models import Contact

    rng = random.Random(seed)
    topics = _topics()
    now = timezone.now()
    staff = Agent.objects.create_user(
        username="staff", password="bench-password-123", display_name="Kefu", role=Role.L1
    )
    contacts = Contact.objects.bulk_create(
        Contact(name=f"member{n}", language="zh-Hans") for n in range(MEMBERS)
    )
    members = Member.objects.bulk_create(
        Member(contact=contact, display_name=f"用户{n}", name_key=f"用户{n}")
        for n, contact in enumerate(contacts)
    )
    member_ids = [member.pk for member in members]
    per_question = [0] * questions
    for _ in range(answers):
        per_question[rng.randrange(questions)] += 1
    question_rows: list[tuple[Any, ...]] = []
    post_rows: list[tuple[Any, ...]] = []
    post_id = 0
    stamp = connection.ops.adapt_datetimefield_value

    def post(question_id: int, kind: str, body: str, at: Any, *, official: bool = False) -> int:
        nonlocal post_id
        post_id += 1
        author = (None, staff.pk) if official else (rng.choice(member_ids), None)
        html = "<p>" + body.replace("&", "&amp;").replace("<", "&lt;") + "</p>"
        post_rows.append(
            (post_id, question_id, kind, *author, body, html, "published", "[]", official,
             rng.randint(-1, 5), stamp(at))
        )  # fmt: skip
        return post_id

    for question_id in range(1, questions + 1):
        language = _language(rng)
        title, lines = rng.choice(topics[language])
        asset, network = rng.choice(ASSETS), rng.choice(NETWORKS)
        created = now - timedelta(minutes=rng.randint(60, 525_600))
        body = " ".join([*rng.sample(lines, min(len(lines), 2)), f"{asset} {network}"])
        post(question_id, "question", body, created)
        official = rng.random() < 0.2
        accepted = None
        first_official = None
        for n in range(per_question[question_id - 1]):
            reply = rng.choice(REPLIES[language]) + " " + rng.choice(lines)
            at = created + timedelta(minutes=10 * (n + 1))
            is_official = official and n == 0
            answer_id = post(question_id, "answer", reply, at, official=is_official)
            if is_official:
                first_official = stamp(at)
            elif accepted is None and rng.random() < 0.25:
                accepted = answer_id
        opener = rng.choice(OPENERS[language])
        question_rows.append(
            (question_id, f"{opener}{title} {asset} {network} #{question_id}", language,
             "published", False, accepted, first_official is not None or accepted is not None,
             per_question[question_id - 1], 0, stamp(created), stamp(created), first_official)
        )  # fmt: skip
    _insert(
        Question,
        ["id", "title", "language", "visibility", "locked", "accepted_answer_id", "solved",
         "answer_count", "score", "created_at", "last_activity_at", "first_official_answer_at"],
        question_rows,
    )  # fmt: skip
    _insert(
        Post,
        ["id", "question_id", "kind", "member_id", "agent_id", "body", "body_html",
         "visibility", "hold_reasons", "official", "score", "created_at"],
        post_rows,
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("community_question", "community_post"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
                )
    return {"questions": questions, "answers": answers, "posts": len(post_rows)}


def _timed(run: Callable[..., object], cases: Sequence[Any]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of run(case) for each case (a tuple is spread into
    arguments). CPU time leaves out waiting for a core on a busy machine (and, for
    PostgreSQL, the server's share)."""
    wall, cpu = [], []
    for case in cases:
        arguments = case if isinstance(case, tuple) else (case,)
        started, started_cpu = time.perf_counter(), time.process_time()
        run(*arguments)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def _figures(
    measured: tuple[list[float], list[float]], plain: tuple[list[float], list[float]]
) -> dict[str, Any]:
    ours, bare = summary_ms(measured[0]), summary_ms(plain[0])
    return {
        "measured": ours,
        "measured_cpu": summary_ms(measured[1]),
        "plain": bare,
        "ratio_p50": round(ours["p50_ms"] / max(bare["p50_ms"], 0.001), 1),
        "ratio_p95": round(ours["p95_ms"] / max(bare["p95_ms"], 0.001), 1),
    }


@functools.cache
def _page_template() -> Any:
    from django.template import engines

    return engines["django"].from_string(PAGE)


def _question_page(question_id: int) -> str:
    """The question page's read and render: the question, its published posts with their
    authors (two queries), every post rendered (the template compiled once, as Django's
    cached loader does)."""
    from kefu.community.models import Post, Question, Visibility

    question = Question.objects.get(pk=question_id, visibility=Visibility.PUBLISHED)
    posts = list(
        Post.objects.filter(question=question, visibility=Visibility.PUBLISHED)
        .select_related("member", "agent")
        .order_by("created_at", "pk")
    )
    return str(_page_template().render({"question": question, "posts": posts}))


def child(questions: int, answers: int, runs: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kefu.community.search import rebuild
    from kefu.community.search.query import search
    from kefu.core.search.analysis import analyze
    from kefu.core.search.expressions import fts5_match, tsquery

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():  # one commit: SQLite would sync the file per batch
        generated = _generate(questions, answers, seed=23)
    generate_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    indexed = rebuild.rebuild()
    index_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rng = random.Random(5)
    ids = [rng.randint(1, questions) for _ in range(runs)]
    _question_page(ids[0])  # templates and connection warm

    def bare_posts(question_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, body FROM community_post WHERE question_id = %s", [question_id]
            )
            cursor.fetchall()

    from django.test import Client

    client = Client(HTTP_HOST="localhost")

    def view(question_id: int) -> None:
        response = client.get(f"/community/q/{question_id}/")
        if response.status_code != 200:
            raise SystemExit(f"question page {question_id}: {response.status_code}")

    view(ids[0])
    bare = _timed(bare_posts, ids)
    page = _figures(_timed(view, ids), bare)
    lean = _figures(_timed(_question_page, ids), bare)

    def bare_match(text: str) -> None:
        concepts = analyze(text).concepts
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT question_id FROM community_searchdocument"
                    " WHERE vector @@ CAST(%s AS tsquery) LIMIT 10",
                    [tsquery(concepts, every=True)],
                )
            else:
                cursor.execute(
                    "SELECT rowid FROM community_search_fts WHERE community_search_fts MATCH %s"
                    " LIMIT 10",
                    [fts5_match(concepts, every=True)],
                )
            cursor.fetchall()

    def like(text: str) -> None:
        word = text.split()[0]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, title FROM community_question WHERE title LIKE %s LIMIT 10",
                [f"%{word}%"],
            )
            cursor.fetchall()

    repeats = max(1, runs // len(QUERIES))
    cases = [case for case in QUERIES for _ in range(repeats)]
    found = {query: len(search(query, language)) for query, language in QUERIES}
    searched = _figures(
        _timed(search, cases),
        _timed(bare_match, [query for query, _ in cases]),
    )
    searched["like"] = summary_ms(_timed(like, [query for query, _ in cases])[0])
    searched["found"] = found
    return {
        **generated,
        "indexed": indexed,
        "generated_s": round(generate_seconds, 1),
        "indexed_s": round(index_seconds, 1),
        "indexed_per_s": round(indexed / max(index_seconds, 0.001)),
        "question_page": page,
        "question_read": lean,
        "search": searched,
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


# ------------------------------------------------------------- the parent


def report(name: str, result: dict[str, Any]) -> None:
    log(
        f"{name}: {result['questions']} questions, {result['answers']} answers "
        f"(generated in {result['generated_s']} s); {result['indexed']} indexed in "
        f"{result['indexed_s']} s ({result['indexed_per_s']}/s); "
        f"load average {result['load_average']}"
    )
    for label, key, plain in (
        ("question page", "question_page", "bare SELECT of its posts"),
        ("lean read", "question_read", "bare SELECT of its posts"),
        ("search", "search", "bare full-text match"),
    ):
        figures = result[key]
        ours, cpu, bare = figures["measured"], figures["measured_cpu"], figures["plain"]
        log(
            f"  {label:<14} p50 {ours['p50_ms']:7.2f} ms  p95 {ours['p95_ms']:7.2f} ms "
            f"(CPU {cpu['p50_ms']:.2f} / {cpu['p95_ms']:.2f})   "
            f"{plain}: p50 {bare['p50_ms']:6.2f}  p95 {bare['p95_ms']:6.2f}   "
            f"x{figures['ratio_p50']} / x{figures['ratio_p95']}"
        )
    like = result["search"]["like"]
    log(f"  {'':<14} LIKE '%word%' on titles: p50 {like['p50_ms']:.2f}  p95 {like['p95_ms']:.2f}")
    empty = [query for query, count in result["search"]["found"].items() if count == 0]
    log(f"  queries answered: {len(QUERIES) - len(empty)}/{len(QUERIES)} {empty or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2k questions, 10k answers")
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=300, help="timed runs of each measure")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.quick:
        args.questions, args.answers, args.runs = 2_000, 10_000, 60
    if args.questions < 10 or args.runs < 1:
        parser.error("at least 10 questions and 1 run")
    if args.child:
        print(json.dumps(child(args.questions, args.answers, args.runs)))
        return
    log(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    child_args = ["--questions", str(args.questions), "--answers", str(args.answers),
                  "--runs", str(args.runs)]  # fmt: skip
    results: dict[str, Any] = {"backends": {}}
    with tempfile.TemporaryDirectory(prefix="kefu_bench_community-") as tmp:
        if args.database in ("sqlite", "both"):
            with sqlite_env(Path(tmp)) as env:
                results["backends"]["sqlite"] = run_json_child(__file__, child_args, env)
            report("SQLite", results["backends"]["sqlite"])
        if args.database in ("postgresql", "both"):
            with postgres_env(Path(tmp), "kefu_bench_community") as env:
                results["backends"]["postgresql"] = run_json_child(__file__, child_args, env)
            report("PostgreSQL", results["backends"]["postgresql"])
    results["target_p95_ms"] = TARGET_P95_MS
    results["targets_met"] = all(
        backend[key]["measured"]["p95_ms"] < TARGET_P95_MS
        for backend in results["backends"].values()
        for key in ("question_page", "search")
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
