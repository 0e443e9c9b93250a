"""Which survey a customer may still answer, and the portal's "rate this conversation"."""

from collections.abc import Callable

import pytest

from kefu.conversations.models import Conversation
from kefu.feedback import actions, selectors
from kefu.feedback.models import Survey, SurveyState
from tests.conftest import portal_client_for

pytestmark = pytest.mark.django_db


def test_answerable_for_gives_the_latest_resolutions_survey(
    survey: Survey,
    conversation_factory: Callable[..., Conversation],
    resolve: Callable[[Conversation], Survey],
) -> None:
    contact = survey.conversation.contact
    assert selectors.answerable_for(contact) == survey
    later = resolve(conversation_factory(contact=contact))
    assert selectors.answerable_for(contact) == later
    actions.answer(survey=later, rating=3)
    # Answered but open: the customer may still change it.
    assert selectors.answerable_for(contact) == later


def test_answerable_for_skips_expired_and_skipped(survey: Survey) -> None:
    contact = survey.conversation.contact
    Survey.objects.filter(pk=survey.pk).update(state=SurveyState.SKIPPED)
    assert selectors.answerable_for(contact) is None
    Survey.objects.filter(pk=survey.pk).update(
        state=SurveyState.SENT, expires_at=survey.resolved_at
    )
    assert selectors.answerable_for(contact) is None


def test_by_token_finds_only_the_exact_token(survey: Survey) -> None:
    assert selectors.by_token(survey.token) == survey
    assert selectors.by_token(survey.token.upper() + "x") is None
    assert selectors.by_token("") is None


def test_survey_url_is_absolute(survey: Survey, settings: object) -> None:
    url = selectors.survey_url(survey)
    assert url.startswith("http")
    assert url.endswith(f"/feedback/{survey.token}/")


def test_the_portal_ticket_page_offers_the_rating(survey: Survey) -> None:
    client = portal_client_for(survey.conversation.contact)
    page = client.get(
        f"/portal/tickets/{survey.conversation.reference}/", headers={"Accept-Language": "en"}
    ).content.decode()
    assert "为这次对话评分" in page  # the customer's language, zh-Hans
    assert f"/feedback/{survey.token}/?rating=5" in page
    Survey.objects.filter(pk=survey.pk).update(state=SurveyState.SKIPPED)
    page = client.get(f"/portal/tickets/{survey.conversation.reference}/").content.decode()
    assert f"/feedback/{survey.token}/" not in page
