"""The triage entry point: model + safety rules + language + suggested articles."""

from dataclasses import dataclass

from kefu.core.language import LanguageId, detect_language
from kefu.helpcenter.selectors import ArticleLink, suggested_articles
from kefu.helpcenter.triage.features import fold
from kefu.helpcenter.triage.model import NaiveBayes, shipped_model
from kefu.helpcenter.triage.rules import forced_intent

# How many runners-up a result carries (for "did you mean" and top-3 accuracy).
RANKED = 3
# What a rule-forced intent reports: a rule is a near-certain cue, not a measured one.
RULE_CONFIDENCE = 0.95


@dataclass(frozen=True)
class TriageResult:
    intent: str
    confidence: float
    language: LanguageId
    articles: list[ArticleLink]
    ranked: list[tuple[str, float]]


def classify(text: str) -> list[tuple[str, float]]:
    """Every intent with its probability, most likely first; a safety rule goes on top."""
    return rank(shipped_model(), text)


def rank(model: NaiveBayes, text: str) -> list[tuple[str, float]]:
    """`classify` with a given model: cross-validation ranks with models of its folds."""
    probabilities = model.probabilities(text)
    ranked = sorted(probabilities.items(), key=lambda pair: (-pair[1], pair[0]))
    forced = forced_intent(fold(text))
    if forced is not None and ranked[0][0] != forced:
        ranked = [(forced, max(RULE_CONFIDENCE, probabilities[forced]))] + [
            pair for pair in ranked if pair[0] != forced
        ]
    elif forced is not None:
        ranked[0] = (forced, max(RULE_CONFIDENCE, ranked[0][1]))
    return ranked


def triage(text: str, *, articles: int = 3) -> TriageResult:
    """Classify a first message and pick the articles to suggest for it."""
    ranked = classify(text)[:RANKED]
    intent, confidence = ranked[0]
    language = detect_language(text)
    return TriageResult(
        intent=intent,
        confidence=round(confidence, 4),
        language=language,
        articles=suggested_articles(intent, language, limit=articles) if articles else [],
        ranked=[(name, round(probability, 4)) for name, probability in ranked],
    )
