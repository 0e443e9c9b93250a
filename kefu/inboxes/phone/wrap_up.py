"""What an agent records about a call once it is over: its topic and how it ended."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The CallEvent kind of a wrap-up on the call's timeline (not one of the line's own steps,
# so not among CallEventKind's choices).
WRAPPED_UP = "wrapped_up"


class WrapUpOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    ESCALATED = "escalated", _("Escalated")
    NO_ACTION = "no_action", _("No action")
