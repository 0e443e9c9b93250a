"""Scoring what only the real customer knows, and keeping the expected answers secret."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from kefu.agents.models import Agent
from kefu.core.models import AuditEntry
from kefu.platform.connector import AccountRecords, Deposit
from kefu.verification import actions, knowledge, selectors
from kefu.verification.actions import CaseRefused
from kefu.verification.models import (
    CaseEvent,
    CaseKind,
    CheckKind,
    CheckState,
    VerificationCheck,
    VerificationPolicy,
)
from tests.verification.conftest import DEPOSIT, LAST_REGION, REGISTERED_NAME


def records(name: str = "王小明", region: str = "Hangzhou, CN") -> AccountRecords:
    return AccountRecords(
        user_id="u-1",
        registered_name=name,
        last_login_region=region,
        recent_deposits=(Deposit("USDT", Decimal("1234.56")), Deposit("BTC", Decimal("0.5"))),
    )


@pytest.mark.parametrize(
    ("expected", "given"),
    [
        ("王小明", "王小明"),
        ("王小明", "王 小明"),
        ("张伟", "張偉"),  # Traditional typed for a Simplified record
        ("陈大文", "陳大文"),  # Traditional for a Simplified record
        ("陳大文", "陈大文"),
        ("John Smith", "smith, john"),
        ("John Smith", "JOHN  SMITH"),
        ("Jean-Luc Picard", "jean luc picard"),
        ("阿卜杜·热西提", "阿卜杜热西提"),
    ],
)
def test_names_match_whatever_the_script_spacing_and_order(expected: str, given: str) -> None:
    assert knowledge.name_matches(expected, given)


@pytest.mark.parametrize(("expected", "given"), [("王小明", "王小"), ("John Smith", "John")])
def test_a_different_name_does_not_match(expected: str, given: str) -> None:
    assert not knowledge.name_matches(expected, given)


@pytest.mark.parametrize("given", ["Hangzhou", "hangzhou, cn", "杭州", "杭州市", " HANGZHOU "])
def test_the_last_login_city_matches_in_english_or_chinese(given: str) -> None:
    assert knowledge.region_matches("Hangzhou, CN", given)


def test_hong_kong_and_taipei_in_traditional_characters() -> None:
    assert knowledge.region_matches("Hong Kong, HK", "香港")
    assert knowledge.region_matches("Taipei, TW", "臺北")
    assert not knowledge.region_matches("Hangzhou, CN", "Shanghai")


@pytest.mark.parametrize(
    "given", ["1,234.56", "1234.56 USDT", "USDT 1234.56", "１２３４.５６", "1230", "0.5 btc"]
)
def test_a_recent_deposit_matches_within_one_percent(given: str) -> None:
    assert knowledge.deposit_matches(records(), given)


@pytest.mark.parametrize("given", ["1100", "1234.56 BTC", "about a thousand", ""])
def test_a_wrong_deposit_does_not_match(given: str) -> None:
    assert not knowledge.deposit_matches(records(), given)


def test_two_right_answers_of_three_pass() -> None:
    score = knowledge.score(
        records(), {"registered_name": "王小明", "last_login_region": "Beijing",
                    "recent_deposit": "1234.56"}
    )  # fmt: skip
    assert (score.correct, score.asked, score.passed) == (2, 3, True)
    assert not knowledge.score(records(), {"registered_name": "王小明"}).passed


def test_a_question_without_a_record_is_not_asked() -> None:
    score = knowledge.score(records(region=""), {"registered_name": "王小明"})
    assert score.asked == 2


@pytest.fixture
def knowledge_check(
    case_conversation: Any, agent_factory: Callable[..., Agent]
) -> VerificationCheck:
    case = actions.open_case(
        conversation=case_conversation, agent=agent_factory(), kind=CaseKind.RESET_2FA
    )
    return case.checks.get(kind=CheckKind.KNOWLEDGE)


def test_right_answers_pass_and_only_the_count_is_kept(knowledge_check: VerificationCheck) -> None:
    contact = knowledge_check.case.contact
    passed = actions.submit_answers(
        check=knowledge_check, contact=contact,
        answers={"registered_name": "王 小明", "last_login_region": "杭州",
                 "recent_deposit": "1,234.56 USDT"},
    )  # fmt: skip
    assert passed.state == CheckState.PASSED
    assert passed.result == {"correct": 3, "asked": 3}
    with translation.override("zh-hant"):
        labels = [question.label for question in selectors.questions(knowledge_check.case)]
    assert len(labels) == 3
    assert REGISTERED_NAME not in str(labels)


def test_wrong_answers_are_limited_and_never_reveal_the_expected_ones(
    knowledge_check: VerificationCheck,
) -> None:
    contact = knowledge_check.case.contact
    refusals = []
    for _ in range(3):
        with translation.override("en"), pytest.raises(CaseRefused) as refused:
            actions.submit_answers(
                check=knowledge_check, contact=contact,
                answers={"registered_name": "李四", "recent_deposit": "5"},
            )  # fmt: skip
        refusals.append(str(refused.value))
    knowledge_check.refresh_from_db()
    assert knowledge_check.state == CheckState.FAILED
    assert "2 tries left" in refusals[0]
    secrets = [REGISTERED_NAME, "Hangzhou", str(DEPOSIT), "1234"]
    stored = [
        *[str(refusal) for refusal in refusals],
        str(list(CaseEvent.objects.values_list("params", flat=True))),
        str(list(AuditEntry.objects.values_list("data", flat=True))),
        str(knowledge_check.result),
    ]
    for secret in secrets:
        assert not any(secret in text for text in stored), secret
    assert LAST_REGION not in str(stored)


def test_answers_are_rate_limited_per_customer(knowledge_check: VerificationCheck) -> None:
    # A policy generous with tries still leaves the customer's rate limit.
    VerificationPolicy.objects.filter(kind=CaseKind.RESET_2FA).update(max_knowledge_attempts=50)
    contact = knowledge_check.case.contact
    for _ in range(actions.ANSWER_LIMIT.attempts):
        with translation.override("en"), pytest.raises(CaseRefused, match="tries left"):
            actions.submit_answers(check=knowledge_check, contact=contact, answers={})
    with translation.override("en"), pytest.raises(CaseRefused, match="Too many tries"):
        actions.submit_answers(check=knowledge_check, contact=contact, answers={})
