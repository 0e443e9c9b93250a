"""Reads of the feedback app: a survey by its link, the one a customer may still answer."""

from django.urls import reverse
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Status
from kefu.core.public_address import absolute_url
from kefu.feedback.models import Survey, SurveyState

# Longer than any token we issue (token_urlsafe(32) is 43 characters): not worth a query.
_MAX_TOKEN = 64


def _answerable(survey: Survey | None) -> Survey | None:
    if survey is None or survey.state == SurveyState.SKIPPED:
        return None
    return survey if survey.expires_at > timezone.now() else None


def by_token(token: str) -> Survey | None:
    """The survey a link or the widget names, or None for an unknown or altered token."""
    if not token or len(token) > _MAX_TOKEN:
        return None
    return Survey.objects.select_related("conversation", "inbox").filter(token=token).first()


def answerable_for(contact: Contact) -> Survey | None:
    """The survey of the contact's most recently resolved conversation, if still answerable."""
    latest = (
        Survey.objects.filter(conversation__contact=contact)
        .select_related("conversation")
        .order_by("-resolved_at", "-pk")
        .first()
    )
    return _answerable(latest)


def open_survey(conversation: Conversation) -> Survey | None:
    """The latest resolution's survey while it can be answered (the portal's "rate" entry).

    Only while the case stays resolved or closed: a reopened case is not rated mid-way,
    and an open ticket page (the common one) reads nothing more.
    """
    if conversation.status not in (Status.RESOLVED, Status.CLOSED):
        return None
    return _answerable(
        Survey.objects.filter(conversation=conversation).order_by("-resolved_at").first()
    )


def survey_url(survey: Survey) -> str:
    """The public page's absolute address (emails and messages are read off the site)."""
    return absolute_url(reverse("feedback:answer", args=[survey.token]))


def surveys_of(conversation: Conversation) -> list[Survey]:
    """Every resolution's survey for the console's details panel, newest first."""
    return list(
        Survey.objects.filter(conversation=conversation)
        .select_related("agent")
        .order_by("-resolved_at")
    )
