"""Accuracy and speed of triage, `kefu.helpcenter.triage`, on the development set.

    .venv/bin/python bench/triage.py [--quick]

Reads `tests/helpcenter/triage_dev.jsonl` (hand-written first messages, zh-Hans, zh-Hant
and English, labelled with the DESIGN §3 intents; never used for training; the rows of
issue 11's confusable pairs carry a `pair` tag) and measures in the same run:

1. the shipped classifier (naive Bayes trained on `kefu/helpcenter/triage/data/train.tsv`
   plus the safety rules): top-1 and top-3 accuracy overall, per language and per
   confusable pair, the expected calibration error of its confidence, and milliseconds
   per message (wall clock and CPU time of the measuring thread: the machine is shared,
   and wall clock includes the time the process waits for a core);
2. stratified 5-fold cross-validation over training + development messages together
   (each fold trains a fresh model on the other four): top-1 mean ± standard deviation,
   min and max. The rules and the training sentences were tuned while looking at the
   development set, so this figure is the one to expect on unseen messages;
3. the temperature that calibrates the model's confidence, fitted on the out-of-fold
   scores of step 2 (least log loss), beside the shipped `TEMPERATURE`, with the
   calibration error of both;
4. two baselines: the majority class, and a nearest-neighbour match on shared raw
   characters/words against the same training set (what plain keyword overlap gives),
   on the development set and in the same cross-validation.

Human-readable lines first; the last line is one JSON object with every figure.
Targets: top-1 at least 95 % on the development set, under 5 ms per message.
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

import django  # noqa: E402

django.setup()

from kefu.conversations.actions import TRIAGE_MIN_CONFIDENCE  # noqa: E402
from kefu.helpcenter.triage.classify import RULE_CONFIDENCE, classify, rank  # noqa: E402
from kefu.helpcenter.triage.features import fold  # noqa: E402
from kefu.helpcenter.triage.model import (  # noqa: E402
    TEMPERATURE,
    shipped_model,
    soften,
    train,
    training_examples,
)
from kefu.helpcenter.triage.rules import forced_intent  # noqa: E402

DEV_SET = ROOT / "tests" / "helpcenter" / "triage_dev.jsonl"
TARGET_TOP1 = 0.95
TARGET_MS = 5.0
FOLDS = 5
# Fixed so that two runs split the messages the same way and their figures compare.
FOLD_SEED = 11
TEMPERATURES = [round(0.5 + 0.25 * step, 2) for step in range(47)]  # 0.5 … 12.0

Ranker = Callable[[str], list[str]]
Example = tuple[str, str]  # (intent, text)


def load() -> list[dict[str, str]]:
    return [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines() if line]


def shipped(text: str) -> list[str]:
    return [intent for intent, _ in classify(text)]


def _raw_tokens(text: str) -> set[str]:
    # No segmentation, folding or stemming: characters for Chinese, words for the rest.
    lowered = text.lower()
    words = {word for word in "".join(c if c.isalnum() else " " for c in lowered).split()}
    return {c for c in lowered if "\u4e00" <= c <= "\u9fff"} | {w for w in words if w.isascii()}


def keyword_baseline(training: Iterable[Example]) -> Ranker:
    examples = [(intent, _raw_tokens(text)) for intent, text in training]

    def ranked(text: str) -> list[str]:
        tokens = _raw_tokens(text)
        best: dict[str, float] = {}
        for intent, known in examples:
            if tokens and known:
                score = len(tokens & known) / len(tokens | known)
                best[intent] = max(best.get(intent, 0.0), score)
        return sorted(best, key=lambda intent: -best[intent])

    return ranked


def majority_baseline() -> Ranker:
    counts = Counter(intent for intent, _ in training_examples())
    order = [intent for intent, _ in counts.most_common()]
    return lambda text: order


def accuracy(ranker: Ranker, rows: list[dict[str, str]]) -> dict[str, float]:
    """Top-1 and top-3 overall, top-1 per language, top-1 and top-3 per confusable pair."""
    hits: dict[str, list[tuple[bool, bool]]] = {}
    for row in rows:
        ranked = ranker(row["text"])
        hit = (bool(ranked) and ranked[0] == row["intent"], row["intent"] in ranked[:3])
        for group in ("all", f"lang_{row['language']}", f"pair_{row.get('pair', '')}"):
            hits.setdefault(group, []).append(hit)
    hits.pop("pair_", None)
    figures = {}
    for group, found in hits.items():
        prefix = "" if group == "all" else group + "_"
        figures[f"{prefix}top1"] = sum(top1 for top1, _ in found) / len(found)
        if not group.startswith("lang_"):
            figures[f"{prefix}top3"] = sum(top3 for _, top3 in found) / len(found)
    return {key: round(value, 4) for key, value in sorted(figures.items())}


def calibration_error(predictions: list[tuple[float, bool]]) -> float:
    """Expected calibration error of (confidence, right) pairs (10 equal-width bins)."""
    bins: dict[int, list[tuple[float, bool]]] = {}
    for confidence, right in predictions:
        bins.setdefault(min(int(confidence * 10), 9), []).append((confidence, right))
    error = 0.0
    for members in bins.values():
        mean_confidence = statistics.fmean(c for c, _ in members)
        hit_rate = statistics.fmean(1.0 if right else 0.0 for _, right in members)
        error += len(members) / len(predictions) * abs(mean_confidence - hit_rate)
    return round(error, 4)


def timing(ranker: Ranker, rows: list[dict[str, str]], passes: int) -> dict[str, float]:
    wall: list[float] = []
    cpu_total = 0.0
    for _ in range(passes):
        cpu_start = time.thread_time()
        for row in rows:
            start = time.perf_counter()
            ranker(row["text"])
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


def stratified_folds(examples: list[Example], folds: int) -> list[list[Example]]:
    """Each intent's messages shuffled and dealt round-robin, so every fold has its share."""
    shuffle = random.Random(FOLD_SEED).shuffle
    by_intent: dict[str, list[Example]] = {}
    for example in examples:
        by_intent.setdefault(example[0], []).append(example)
    dealt: list[list[Example]] = [[] for _ in range(folds)]
    offset = 0
    for intent in sorted(by_intent):
        members = by_intent[intent]
        shuffle(members)
        for index, example in enumerate(members):
            dealt[(offset + index) % folds].append(example)
        offset += len(members)
    return dealt


def spread(shares: list[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(shares), 4),
        "stdev": round(statistics.stdev(shares), 4),
        "min": round(min(shares), 4),
        "max": round(max(shares), 4),
    }


@dataclass(frozen=True)
class OutOfFold:
    """One held-out message: the model's scores, the true intent, what triage answered."""

    scores: dict[str, float]
    intent: str
    answered: str
    forced: bool  # a safety rule decided, and reports at least RULE_CONFIDENCE


@dataclass(frozen=True)
class CrossValidation:
    top1: dict[str, float]
    keyword_top1: dict[str, float]
    out_of_fold: list[OutOfFold]


def cross_validate(examples: list[Example]) -> CrossValidation:
    """Top-1 of the shipped recipe and of the keyword baseline on each held-out fold."""
    dealt = stratified_folds(examples, FOLDS)
    model_top1: list[float] = []
    keyword_top1: list[float] = []
    out_of_fold: list[OutOfFold] = []
    for held_out in range(FOLDS):
        fitting = [example for k, part in enumerate(dealt) if k != held_out for example in part]
        model = train(fitting)
        keyword = keyword_baseline(fitting)
        right = keyword_right = 0
        for intent, text in dealt[held_out]:
            answered = rank(model, text)[0][0]
            right += answered == intent
            keyword_ranked = keyword(text)
            keyword_right += bool(keyword_ranked) and keyword_ranked[0] == intent
            forced = forced_intent(fold(text)) is not None
            out_of_fold.append(OutOfFold(model.scores(text), intent, answered, forced))
        model_top1.append(right / len(dealt[held_out]))
        keyword_top1.append(keyword_right / len(dealt[held_out]))
    return CrossValidation(spread(model_top1), spread(keyword_top1), out_of_fold)


def log_loss(out_of_fold: list[OutOfFold], temperature: float) -> float:
    """Mean log loss of the model's own probabilities (the rules take no part)."""
    return statistics.fmean(
        -math.log(max(soften(item.scores, temperature)[item.intent], 1e-12)) for item in out_of_fold
    )


def confidence_hits(out_of_fold: list[OutOfFold], temperature: float) -> list[tuple[float, bool]]:
    """(confidence, right) of each held-out answer, as `classify` would report it."""
    hits = []
    for item in out_of_fold:
        confidence = soften(item.scores, temperature)[item.answered]
        if item.forced:
            confidence = max(confidence, RULE_CONFIDENCE)
        hits.append((confidence, item.answered == item.intent))
    return hits


def at_threshold(hits: list[tuple[float, bool]]) -> dict[str, float]:
    """What `receive_message` does with these answers: the share it triages (confidence at
    least its threshold) and how often those are right, and how often the rest would be."""
    kept = [right for confidence, right in hits if confidence >= TRIAGE_MIN_CONFIDENCE]
    left = [right for confidence, right in hits if confidence < TRIAGE_MIN_CONFIDENCE]
    return {
        "triaged": round(len(kept) / len(hits), 4),
        "triaged_top1": round(sum(kept) / len(kept), 4) if kept else 0.0,
        "left_top1": round(sum(left) / len(left), 4) if left else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timing passes")
    options = parser.parse_args()
    passes = 3 if options.quick else 20
    rows = load()
    training = training_examples()

    start = time.perf_counter()
    shipped_model()
    training_ms = (time.perf_counter() - start) * 1000
    shipped("warm-up: 提现")

    model = {**accuracy(shipped, rows), **timing(shipped, rows, passes)}
    answers = [(classify(row["text"])[0], row["intent"]) for row in rows]
    model["calibration_error"] = calibration_error(
        [(confidence, answered == intent) for (answered, confidence), intent in answers]
    )
    keyword = keyword_baseline(training)
    baseline_keyword = {**accuracy(keyword, rows), **timing(keyword, rows, max(1, passes // 3))}
    baseline_majority = accuracy(majority_baseline(), rows)

    start = time.perf_counter()
    folds = cross_validate(training + [(row["intent"], row["text"]) for row in rows])
    cross_validation_s = time.perf_counter() - start
    fitted = min(TEMPERATURES, key=lambda temperature: log_loss(folds.out_of_fold, temperature))
    calibration = {
        "shipped_temperature": TEMPERATURE,
        "fitted_temperature": fitted,
        "shipped_log_loss": round(log_loss(folds.out_of_fold, TEMPERATURE), 4),
        "fitted_log_loss": round(log_loss(folds.out_of_fold, fitted), 4),
        "shipped_out_of_fold_ece": calibration_error(
            confidence_hits(folds.out_of_fold, TEMPERATURE)
        ),
        "fitted_out_of_fold_ece": calibration_error(confidence_hits(folds.out_of_fold, fitted)),
        "shipped_at_threshold": at_threshold(confidence_hits(folds.out_of_fold, TEMPERATURE)),
        "fitted_at_threshold": at_threshold(confidence_hits(folds.out_of_fold, fitted)),
    }

    languages = Counter(row["language"] for row in rows)
    pairs = Counter(row["pair"] for row in rows if "pair" in row)
    print(f"development set: {len(rows)} messages, {dict(languages)}")
    print(f"training: {len(training)} messages, model built in {training_ms:.0f} ms")
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
    for language in sorted(languages):
        key = f"lang_{language}_top1"
        print(f"  {language:8} top-1 {model[key]:.1%}  (keyword {baseline_keyword[key]:.1%})")
    for pair in sorted(pairs):
        key = f"pair_{pair}"
        print(
            f"  {pair:36} ({pairs[pair]:2}) top-1 {model[key + '_top1']:.1%} "
            f"top-3 {model[key + '_top3']:.1%}  (keyword {baseline_keyword[key + '_top1']:.1%})"
        )
    top1 = folds.top1
    keyword_top1 = folds.keyword_top1
    print(
        f"{FOLDS}-fold stratified over training + development ({cross_validation_s:.1f} s): "
        f"top-1 {top1['mean']:.1%} ± {top1['stdev']:.1%} "
        f"(min {top1['min']:.1%}, max {top1['max']:.1%}); keyword baseline "
        f"{keyword_top1['mean']:.1%} ± {keyword_top1['stdev']:.1%}"
    )
    print(
        f"confidence temperature: shipped {TEMPERATURE}, fitted {fitted} (out-of-fold "
        f"log loss {calibration['shipped_log_loss']:.3f} vs {calibration['fitted_log_loss']:.3f}, "
        f"ECE {calibration['shipped_out_of_fold_ece']:.3f} vs "
        f"{calibration['fitted_out_of_fold_ece']:.3f})"
    )
    for name in ("shipped", "fitted"):
        share = calibration[f"{name}_at_threshold"]
        assert isinstance(share, dict)
        print(
            f"  {name} temperature, out of fold, confidence >= {TRIAGE_MIN_CONFIDENCE}: "
            f"{share['triaged']:.1%} triaged, {share['triaged_top1']:.1%} of them right; "
            f"the rest {share['left_top1']:.1%} right"
        )
    met = model["top1"] >= TARGET_TOP1 and model["ms_mean"] < TARGET_MS
    verdict = "met" if met else "NOT met"
    print(f"target top-1 >= {TARGET_TOP1:.0%} and < {TARGET_MS} ms/message: {verdict}")
    print(
        json.dumps(
            {
                "messages": len(rows),
                "training_messages": len(training),
                "training_ms": round(training_ms, 1),
                "passes": passes,
                "load_average": os.getloadavg()[0],
                "triage": model,
                "baseline_keyword": baseline_keyword,
                "baseline_majority": baseline_majority,
                "cross_validation": {
                    "folds": FOLDS,
                    "seed": FOLD_SEED,
                    "top1": top1,
                    "keyword_top1": keyword_top1,
                },
                "calibration": calibration,
                "target_top1": TARGET_TOP1,
                "target_ms": TARGET_MS,
                "target_met": met,
            }
        )
    )


if __name__ == "__main__":
    main()
