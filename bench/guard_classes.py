"""Recall, false positives and throughput of the outbound guard per class of disguise.

    .venv/bin/python bench/guard_classes.py [--quick] [--repeat N]

Reads the labelled replies of `tests/safety/guard_corpus.jsonl` (zh-Hans, zh-Hant and
English; each case has a class: plain requests and advice, the disguises — spaced,
punctuated, invisible, fullwidth, homoglyph, pinyin, leet, split, mixed —, paraphrase
that names no keyword, and restore instructions) and measures in the same run:

1. `kefu.safety.outbound_guard.check_outbound`: per class, the recall (blocked of the
   replies that must be blocked), the recall with the right reasons, and the false
   positives (blocked of the honest replies that must pass);
2. the baseline: a keyword filter that blocks a reply when any object keyword of the
   guard's own lexicon (recovery phrase, key, password, code, remote tool, screen
   sharing, safe wallet, whitelist, unlock fee) appears in the reply after plain
   lower-casing: no normalization, no request model;
3. the throughput of both over the whole corpus (replies per second of the measuring
   thread's CPU time, best of three passes), and the guard's p50/p99 CPU time per reply.

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.safety import request_lexicon as lexicon  # noqa: E402
from kefu.safety.outbound_guard import check_outbound  # noqa: E402

CORPUS = ROOT / "tests" / "safety" / "guard_corpus.jsonl"
BASELINE_KEYWORDS = re.compile(
    "|".join(
        (
            lexicon.RECOVERY_PHRASE_OBJECTS,
            lexicon.PRIVATE_KEY_OBJECTS,
            lexicon.PASSWORD_OBJECTS,
            lexicon.ONE_TIME_CODE_OBJECTS,
            lexicon.REMOTE_TOOLS,
            lexicon.SCREEN_SHARING,
            lexicon.SAFE_WALLETS,
            lexicon.WHITELIST,
            lexicon.UNLOCK_FEES,
        )
    ),
    re.ASCII,
)


@dataclass(frozen=True)
class Case:
    text: str
    blocked: bool
    reasons: tuple[str, ...]
    language: str
    kind: str


@dataclass
class Tally:
    must_block: int = 0
    blocked: int = 0
    right_reasons: int = 0
    must_pass: int = 0
    false_positives: int = 0

    @property
    def recall(self) -> float:
        return self.blocked / self.must_block if self.must_block else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / self.must_pass if self.must_pass else 0.0


def load_corpus() -> list[Case]:
    cases = []
    for line in CORPUS.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(
                Case(row["text"], row["blocked"], tuple(row["reasons"]), row["lang"], row["class"])
            )
    return cases


def guard(text: str) -> tuple[str, ...]:
    return check_outbound(text).reasons


def baseline(text: str) -> tuple[str, ...]:
    """Block on any keyword after plain lower-casing; it cannot tell which reason."""
    return ("keyword",) if BASELINE_KEYWORDS.search(text.lower()) else ()


def tally(cases: list[Case], check: Callable[[str], tuple[str, ...]]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for case in cases:
        reasons = check(case.text)
        for key in (case.kind, "all"):
            counts = tallies.setdefault(key, Tally())
            if case.blocked:
                counts.must_block += 1
                counts.blocked += bool(reasons)
                counts.right_reasons += tuple(sorted(reasons)) == case.reasons
            else:
                counts.must_pass += 1
                counts.false_positives += bool(reasons)
    return tallies


def throughput(texts: list[str], check: Callable[[str], object], repeat: int) -> float:
    """Replies per CPU second of the measuring thread, best of three passes."""
    best = float("inf")
    for _ in range(3):
        started = time.thread_time()
        for _ in range(repeat):
            for text in texts:
                check(text)
        best = min(best, time.thread_time() - started)
    return len(texts) * repeat / best


def latencies_ms(texts: list[str], check: Callable[[str], object]) -> tuple[float, float]:
    """p50 and p99 CPU milliseconds per reply."""
    spent = []
    for text in texts:
        started = time.thread_time()
        check(text)
        spent.append(time.thread_time() - started)
    spent.sort()
    return spent[len(spent) // 2] * 1000, spent[min(len(spent) - 1, int(0.99 * len(spent)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timing passes, seconds")
    parser.add_argument("--repeat", type=int, default=None, help="corpus passes per timing")
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.quick else 20)

    cases = load_corpus()
    texts = [case.text for case in cases]
    for text in texts:  # compiles patterns and warms caches before anything is timed
        guard(text)
    ours = tally(cases, guard)
    theirs = tally(cases, baseline)

    load = os.getloadavg()[0]
    print(f"corpus: {len(cases)} replies, {ours['all'].must_block} must be blocked")
    print("baseline: block on any object keyword of the lexicon after plain lower-casing")
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f}")
    header = (
        f"{'class':<11} {'cases':>5}  {'guard recall':>13} {'right reason':>12} "
        f"{'guard FP':>9}  {'keyword recall':>14} {'keyword FP':>10}"
    )
    print(header)
    classes = [*sorted(key for key in ours if key != "all"), "all"]
    for name in classes:
        mine, keyword = ours[name], theirs[name]
        print(
            f"{name:<11} {mine.must_block + mine.must_pass:>5}  "
            f"{mine.blocked:>4}/{mine.must_block:<4} {mine.recall:>4.0%} "
            f"{mine.right_reasons:>6}/{mine.must_block:<5} "
            f"{mine.false_positives:>3}/{mine.must_pass:<5}  "
            f"{keyword.blocked:>4}/{keyword.must_block:<4} {keyword.recall:>5.0%} "
            f"{keyword.false_positives:>4}/{keyword.must_pass:<5}"
        )

    guard_rate = throughput(texts, guard, repeat)
    baseline_rate = throughput(texts, baseline, repeat)
    p50_ms, p99_ms = latencies_ms(texts, guard)
    print(
        f"throughput (CPU): guard {guard_rate:,.0f} replies/s, keyword baseline "
        f"{baseline_rate:,.0f} replies/s; guard p50 {p50_ms:.3f} ms, p99 {p99_ms:.3f} ms"
    )
    figures = {
        "bench": "guard_classes",
        "quick": args.quick,
        "replies": len(cases),
        "classes": {
            name: {
                "cases": ours[name].must_block + ours[name].must_pass,
                "must_block": ours[name].must_block,
                "must_pass": ours[name].must_pass,
                "recall": round(ours[name].recall, 4),
                "right_reasons": ours[name].right_reasons,
                "false_positives": ours[name].false_positives,
                "baseline_recall": round(theirs[name].recall, 4),
                "baseline_false_positives": theirs[name].false_positives,
            }
            for name in classes
        },
        "guard_replies_per_s": round(guard_rate, 1),
        "baseline_replies_per_s": round(baseline_rate, 1),
        "guard_p50_ms": round(p50_ms, 4),
        "guard_p99_ms": round(p99_ms, 4),
        "load_average": round(load, 2),
        "python": platform.python_version(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
