"""The demo's SLA: routes for escalation, and the two aged cases the first sweep acts on."""

from kefu.conversations.models import Conversation, Tier
from kefu.demo import loader
from kefu.sla import sweep
from kefu.sla.escalation import route_for
from kefu.sla.models import Clock, EventKind, SlaEvent, Target


def _case(email: str) -> Conversation:
    return Conversation.objects.get(contact__email=email)


def test_the_demo_routes_escalations_to_technical_then_management(db: None) -> None:
    loader.load()
    l2, management = route_for(None, Tier.L2), route_for(None, Tier.MANAGEMENT)
    assert l2 is not None
    assert management is not None
    assert (l2.to_team.slug, management.to_team.slug) == ("technical", "management")


def test_the_first_sweep_breaches_one_aged_case_and_warns_the_other(db: None) -> None:
    loader.load()
    late, soon = _case("carol@example.com"), _case("lin.meiling@example.tw")
    # The whole timeline moved back: the first message too, not only the deadline.
    assert late.sla_due_at is not None
    assert late.messages.earliest("created_at").created_at < late.sla_due_at
    result = sweep.run()
    late_clock = Clock.objects.get(conversation=late, target=Target.FIRST_RESPONSE)
    soon_clock = Clock.objects.get(conversation=soon, target=Target.FIRST_RESPONSE)
    assert late_clock.pk in result.breached
    assert soon_clock.pk in result.warned
    late.refresh_from_db()
    assert late.sla_breached
    assert SlaEvent.objects.filter(conversation=soon, kind=EventKind.WARNED).count() == 1
    # Nothing else in the demo is due yet.
    assert set(result.breached) | set(result.warned) <= {late_clock.pk, soon_clock.pk}
