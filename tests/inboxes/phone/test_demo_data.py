"""The demo's hotline: official numbers, an answered call in a case, a to-do and a callback."""

import pytest

from kefu.demo import loader
from kefu.inboxes.phone import caller_log_queries
from kefu.inboxes.phone.models import Call, CallbackStatus, CallEventKind, CallStatus
from kefu.safety.verification import Verdict, verify

pytestmark = pytest.mark.django_db


def test_the_demo_hotline_shows_the_caller_log_at_work() -> None:
    loader.load()
    answered = Call.objects.get(sid="CAdemo0001")
    assert answered.status == CallStatus.COMPLETED
    assert answered.contact is not None
    assert answered.contact.email == "zhang.wei@example.com"
    # 张伟's call joined his open withdrawal case rather than opening another.
    assert answered.conversation is not None
    assert answered.conversation.intent == "withdrawal_delayed"
    assert answered.conversation.messages.count() > 1
    assert answered.events.filter(kind=CallEventKind.WRAPPED_UP).exists()
    [missed] = caller_log_queries.to_do()
    assert missed.sid == "CAdemo0002"
    assert missed.urgent
    callback = Call.objects.get(sid="CAdemo0003").callback
    assert (callback.number, callback.status) == ("+85291234567", CallbackStatus.WAITING)
    assert verify("400 123 4567").verdict == Verdict.OFFICIAL
