"""Satisfaction surveys in `kefu demo`: the resolved demo cases answered, so reports have CSAT.

Called by the demo loader after its conversations exist: resolving them made their
surveys (the lifecycle listener); the customers answer here through the same action the
public page uses.
"""

from kefu.feedback.actions import answer
from kefu.feedback.models import Survey

# The demo customer's email address → rating, comment, contacted outside official channels.
ANSWERS = (
    ("bob@example.com", 5, "Clear answer, thanks.", False),
    ("huang.jun@example.hk", 4, "更新後就好了，謝謝。", False),
)


def load() -> None:
    for email, rating, comment, outside in ANSWERS:
        survey = (
            Survey.objects.filter(conversation__contact__identities__value=email)
            .order_by("-resolved_at")
            .first()
        )
        if survey is not None:
            answer(survey=survey, rating=rating, comment=comment, contacted_outside=outside)
