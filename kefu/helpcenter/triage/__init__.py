"""Triage of a customer's first message: intent, language and articles to suggest.

result = triage("我的USDT提现一直pending")
result.intent == "withdrawal_delayed"; result.language == "zh-Hans"
"""

from kefu.helpcenter.triage.classify import TriageResult, triage

__all__ = ["TriageResult", "triage"]
