"""A small multinomial naive Bayes over message features, trained from the shipped set.

Training takes a fraction of a second, so the model is built from `data/train.tsv` on
first use instead of shipping opaque weights: the data file is the model and can be
reviewed.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kefu.helpcenter.triage.features import features

# Additive smoothing; small because the training messages are short and specific
# (0.1 was best of 0.05–1.0 in 5-fold cross-validation, see BENCHMARKS.md).
_ALPHA = 0.1
# Naive Bayes counts every overlapping n-gram as independent evidence, so its raw
# posteriors are far surer than it is right (0.99999 on a message it gets wrong). Scores
# are divided by this temperature before the softmax; `bench/triage.py` fits it on
# out-of-fold predictions of 5-fold cross-validation (least log loss) and prints the
# fitted value beside this one, so the confidence that `receive_message` compares with
# its 0.5 threshold means what it says.
TEMPERATURE = 7.0


@dataclass(frozen=True)
class NaiveBayes:
    intents: tuple[str, ...]
    log_prior: dict[str, float]
    log_likelihood: dict[str, dict[str, float]]
    log_unseen: dict[str, float]

    def scores(self, message: str) -> dict[str, float]:
        """Log joint probability of each intent and the message's features."""
        seen = features(message)
        return {
            intent: self.log_prior[intent]
            + sum(
                self.log_likelihood[intent].get(feature, self.log_unseen[intent])
                for feature in seen
            )
            for intent in self.intents
        }

    def probabilities(self, message: str) -> dict[str, float]:
        """Probability of each intent for a message, summing to 1."""
        return soften(self.scores(message), TEMPERATURE)


def soften(scores: dict[str, float], temperature: float) -> dict[str, float]:
    """Scores divided by `temperature`, then normalised to probabilities (softmax)."""
    top = max(scores.values())
    weights = {intent: math.exp((score - top) / temperature) for intent, score in scores.items()}
    total = sum(weights.values())
    return {intent: weight / total for intent, weight in weights.items()}


def train(examples: Iterable[tuple[str, str]]) -> NaiveBayes:
    """Fit the model on (intent, text) pairs."""
    documents: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {}
    vocabulary: set[str] = set()
    for intent, text in examples:
        documents[intent] += 1
        found = features(text)
        counts.setdefault(intent, Counter()).update(found)
        vocabulary |= found
    intents = tuple(sorted(documents))
    total_documents = sum(documents.values())
    # Equal priors would suit a balanced set; these follow the training counts, which
    # are close to equal, so neither choice favours an intent much.
    log_prior = {i: math.log(documents[i] / total_documents) for i in intents}
    log_likelihood: dict[str, dict[str, float]] = {}
    log_unseen: dict[str, float] = {}
    for intent in intents:
        denominator = sum(counts[intent].values()) + _ALPHA * len(vocabulary)
        log_likelihood[intent] = {
            feature: math.log((count + _ALPHA) / denominator)
            for feature, count in counts[intent].items()
        }
        log_unseen[intent] = math.log(_ALPHA / denominator)
    return NaiveBayes(intents, log_prior, log_likelihood, log_unseen)


def training_examples() -> list[tuple[str, str]]:
    """The shipped training set: `intent<TAB>text` lines, `#` lines are comments."""
    text = resources.files("kefu.helpcenter.triage").joinpath("data/train.tsv").read_text("utf-8")
    examples = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            intent, message = line.split("\t", 1)
            examples.append((intent, message))
    return examples


@cache
def shipped_model() -> NaiveBayes:
    return train(training_examples())
