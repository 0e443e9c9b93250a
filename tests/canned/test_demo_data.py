"""The demo's canned replies: every one saved through the guard, in all three languages."""

from kefu.canned.models import CannedReply, Scope
from kefu.demo import loader


def test_the_demo_loads_bilingual_canned_replies_of_each_scope(db: None) -> None:
    loader.load()
    replies = list(CannedReply.objects.all())
    assert len(replies) >= 12
    assert {reply.scope for reply in replies} == set(Scope.values)
    assert all(len(reply.languages()) == 3 for reply in replies)
    assert CannedReply.objects.filter(shortcut="withdrawal-48h", team__slug="payments").exists()
