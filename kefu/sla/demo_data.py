"""SLA in `kefu demo`: escalation routes, and two cases old enough to show the clocks at work.

Called by the demo loader after its conversations exist. The routes are saved by the demo
admin through the same action an administrator uses. The two email cases are moved back
in time as a whole (messages, clocks, events), as if opened a day ago: one past its first
response target, one a few minutes from it. Nothing here warns or breaches them: the
scheduler that `kefu serve` runs does, within its first sweep, as it would in production.
"""

from datetime import timedelta

from django.db.models import F

from kefu.agents.models import Agent, Role, Team
from kefu.conversations.models import Conversation, Message, Tier
from kefu.sla.actions import save_route
from kefu.sla.models import Clock, EscalationRoute, SlaEvent

# Tier → the demo team that takes it (the default route for every team).
ROUTES = ((Tier.L2, "technical"), (Tier.MANAGEMENT, "management"))

# The demo customer's email address → how long ago the case opened.
AGED = (
    ("carol@example.com", timedelta(hours=26)),  # past its 24 h first response
    ("lin.meiling@example.tw", timedelta(hours=23, minutes=52)),  # due in 8 minutes
)


def age(conversation: Conversation, by: timedelta) -> None:
    """Move the conversation's whole timeline `by` into the past (demo data only: no
    one may rewrite history in a running help desk, so no action offers it)."""
    back = {"created_at", "last_message_at", "first_response_at", "resolved_at", "sla_due_at"}
    Conversation.objects.filter(pk=conversation.pk).update(**{f: F(f) - by for f in back})
    Message.objects.filter(conversation=conversation).update(created_at=F("created_at") - by)
    times = ("started_at", "due_at", "paused_at", "fulfilled_at", "stopped_at", "check_at")
    Clock.objects.filter(conversation=conversation).update(
        **{f: F(f) - by for f in (*times, "computed_at")}
    )
    SlaEvent.objects.filter(conversation=conversation).update(
        at=F("at") - by, due_at=F("due_at") - by
    )


def load() -> None:
    admin = Agent.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise RuntimeError("The demo admin sets the escalation routes: load the team first.")
    for tier, slug in ROUTES:
        save_route(admin, EscalationRoute(tier=tier, to_team=Team.objects.get(slug=slug)))
    for email, ago in AGED:
        for conversation in Conversation.objects.filter(contact__email=email):
            age(conversation, ago)
