"""Accuracy and speed of triage, `kefu.helpcenter.triage`, on the development set.

    .venv/bin/python bench/triage.py [--quick]

Reads `tests/helpcenter/triage_dev.jsonl` (442 hand-written first messages, zh-Hans,
zh-Hant and English, labelled with the DESIGN §3 intents; never used for training) and
measures in the same run:

1. the shipped classifier (naive Bayes trained on `kefu/helpcenter/triage/data/train.tsv`
   plus the stolen-account rules): top-1 and top-3 accuracy, per language, the expected
   calibration error of its confidence, and milliseconds per message (wall clock and CPU
   time of the measuring thread: the machine is shared, and wall clock includes the time
   the process waits for a core);
2. two baselines: the majority class, and a nearest-neighbour match on shared raw
   characters/words against the same training set (what plain keyword overlap gives).

Human-readable lines first; the last line is one JSON object with every figure.
Targets: top-1 at least 90 %, under 5 ms per message.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

import django  # noqa: E402

django.setup()

from kefu.helpcenter.triage.classify import classify  # noqa: E402
from kefu.helpcenter.triage.model import shipped_model, training_examples  # noqa: E402

DEV_SET = ROOT / "tests" / "helpcenter" / "triage_dev.jsonl"
TARGET_TOP1 = 0.90
TARGET_MS = 5.0

Ranker = Callable[[str], list[str]]


def load() -> list[dict[str, str]]:
    return [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines() if line]


def shipped(text: str) -> list[str]:
    return [intent for intent, _ in classify(text)]


def _raw_tokens(text: str) -> set[str]:
    # No segmentation, folding or stemming: characters for Chinese, words for the rest.
    lowered = text.lower()
    words = {word for word in "".join(c if c.isalnum() else " " for c in lowered).split()}
    return {c for c in lowered if "\u4e00" <= c <= "\u9fff"} | {w for w in words if w.isascii()}


def keyword_baseline() -> Ranker:
    examples = [(intent, _raw_tokens(text)) for intent, text in training_examples()]

    def rank(text: str) -> list[str]:
        tokens = _raw_tokens(text)
        best: dict[str, float] = {}
        for intent, known in examples:
            if tokens and known:
                score = len(tokens & known) / len(tokens | known)
                best[intent] = max(best.get(intent, 0.0), score)
        return sorted(best, key=lambda intent: -best[intent])

    return rank


def majority_baseline() -> Ranker:
    counts = Counter(intent for intent, _ in training_examples())
    order = [intent for intent, _ in counts.most_common()]
    return lambda text: order


def accuracy(rank: Ranker, rows: list[dict[str, str]]) -> dict[str, float]:
    top1 = top3 = 0
    by_language: Counter[str] = Counter()
    right_by_language: Counter[str] = Counter()
    for row in rows:
        ranked = rank(row["text"])
        top1 += bool(ranked) and ranked[0] == row["intent"]
        top3 += row["intent"] in ranked[:3]
        by_language[row["language"]] += 1
        right_by_language[row["language"]] += bool(ranked) and ranked[0] == row["intent"]
    figures = {"top1": top1 / len(rows), "top3": top3 / len(rows)}
    for language, total in by_language.items():
        figures[f"top1_{language}"] = right_by_language[language] / total
    return {key: round(value, 4) for key, value in figures.items()}


def calibration_error(rows: list[dict[str, str]]) -> float:
    """Expected calibration error of the top intent's confidence (10 equal-width bins)."""
    bins: dict[int, list[tuple[float, bool]]] = {}
    for row in rows:
        intent, confidence = classify(row["text"])[0]
        bins.setdefault(min(int(confidence * 10), 9), []).append(
            (confidence, intent == row["intent"])
        )
    error = 0.0
    for members in bins.values():
        mean_confidence = statistics.fmean(c for c, _ in members)
        hit_rate = statistics.fmean(1.0 if hit else 0.0 for _, hit in members)
        error += len(members) / len(rows) * abs(mean_confidence - hit_rate)
    return round(error, 4)


def timing(rank: Ranker, rows: list[dict[str, str]], passes: int) -> dict[str, float]:
    wall: list[float] = []
    cpu_total = 0.0
    for _ in range(passes):
        cpu_start = time.thread_time()
        for row in rows:
            start = time.perf_counter()
            rank(row["text"])
            wall.append((time.perf_counter() - start) * 1000)
        cpu_total += time.thread_time() - cpu_start
    wall.sort()
    return {
        "ms_mean": round(statistics.fmean(wall), 4),
        "ms_p50": round(wall[len(wall) // 2], 4),
        "ms_p95": round(wall[int(len(wall) * 0.95)], 4),
        "ms_p99": round(wall[int(len(wall) * 0.99)], 4),
        "cpu_ms_mean": round(cpu_total * 1000 / len(wall), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timing passes")
    options = parser.parse_args()
    passes = 3 if options.quick else 20
    rows = load()

    start = time.perf_counter()
    shipped_model()
    training_ms = (time.perf_counter() - start) * 1000
    shipped("warm-up: 提现")

    model = {**accuracy(shipped, rows), **timing(shipped, rows, passes)}
    model["calibration_error"] = calibration_error(rows)
    keyword = keyword_baseline()
    baseline_keyword = {**accuracy(keyword, rows), **timing(keyword, rows, max(1, passes // 3))}
    baseline_majority = accuracy(majority_baseline(), rows)

    print(f"development set: {len(rows)} messages, {Counter(r['language'] for r in rows)}")
    print(f"training: {len(training_examples())} messages, model built in {training_ms:.0f} ms")
    print(
        f"triage:   top-1 {model['top1']:.1%}  top-3 {model['top3']:.1%}  "
        f"{model['ms_mean']:.3f} ms/message (p95 {model['ms_p95']:.3f}, "
        f"CPU {model['cpu_ms_mean']:.3f})  ECE {model['calibration_error']:.3f}"
    )
    print(
        f"keyword overlap baseline: top-1 {baseline_keyword['top1']:.1%}  "
        f"top-3 {baseline_keyword['top3']:.1%}  {baseline_keyword['ms_mean']:.3f} ms/message"
    )
    print(f"majority-class baseline:  top-1 {baseline_majority['top1']:.1%}")
    met = model["top1"] >= TARGET_TOP1 and model["ms_mean"] < TARGET_MS
    verdict = "met" if met else "NOT met"
    print(f"target top-1 >= {TARGET_TOP1:.0%} and < {TARGET_MS} ms/message: {verdict}")
    print(
        json.dumps(
            {
                "messages": len(rows),
                "training_messages": len(training_examples()),
                "training_ms": round(training_ms, 1),
                "passes": passes,
                "load_average": os.getloadavg()[0],
                "triage": model,
                "baseline_keyword": baseline_keyword,
                "baseline_majority": baseline_majority,
                "target_top1": TARGET_TOP1,
                "target_ms": TARGET_MS,
                "target_met": met,
            }
        )
    )


if __name__ == "__main__":
    main()
