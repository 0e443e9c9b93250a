"""The public survey page: no sign-in, token-bound, a GET never records an answer."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from kefu.feedback.models import Survey, SurveyState
from kefu.safety.models import SafetyAlert

pytestmark = pytest.mark.django_db


def _url(survey: Survey) -> str:
    return reverse("feedback:answer", args=[survey.token])


def test_the_page_opens_without_signing_in(client: Client, survey: Survey) -> None:
    response = client.get(_url(survey), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert survey.conversation.reference in page
    assert 'name="rating" value="5"' in page
    assert "outside our official channels" in page
    assert "data-auto-submit" not in page


def test_a_one_click_get_shows_the_rating_chosen_and_records_nothing(
    client: Client, survey: Survey
) -> None:
    response = client.get(_url(survey) + "?rating=5")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="5" required checked' in page
    assert "data-auto-submit" in page
    assert "feedback/survey.js" in page
    survey.refresh_from_db()
    assert (survey.state, survey.rating) == (SurveyState.PENDING, None)


def test_posting_records_the_answer(client: Client, survey: Survey) -> None:
    response = client.post(
        _url(survey), {"rating": "4", "comment": "不错", "contacted_outside": "no"}
    )
    assert response.status_code == 200
    survey.refresh_from_db()
    assert (survey.rating, survey.comment, survey.contacted_outside) == (4, "不错", False)
    assert "portal/verify/report/" not in response.content.decode()


def test_yes_shows_the_impostor_report_and_raises_an_alert(client: Client, survey: Survey) -> None:
    response = client.post(_url(survey), {"rating": "1", "contacted_outside": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("portal:report_impostor") in page
    assert reverse("portal:verify") in page
    assert SafetyAlert.objects.filter(kind=SafetyAlert.Kind.CONTACTED_OUTSIDE).count() == 1


@pytest.mark.parametrize("rating", ["0", "6", "", "五", "-1"])
def test_a_bad_rating_is_refused_with_a_translated_error(
    client: Client, survey: Survey, rating: str
) -> None:
    response = client.post(_url(survey), {"rating": rating}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert "请选择 1 到 5 分" in response.content.decode()
    survey.refresh_from_db()
    assert survey.rating is None


@pytest.mark.parametrize("token", ["not-a-token", "x" * 80])
def test_an_unknown_or_tampered_token_is_a_translated_404(
    client: Client, survey: Survey, token: str
) -> None:
    response = client.get(reverse("feedback:answer", args=[token]), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 404
    assert "這個問卷連結無效" in response.content.decode()
    tampered = survey.token[:-1] + ("A" if survey.token[-1] != "A" else "B")
    assert (
        client.post(reverse("feedback:answer", args=[tampered]), {"rating": "5"}).status_code == 404
    )
    survey.refresh_from_db()
    assert survey.rating is None


def test_an_expired_survey_is_a_410_that_says_why(client: Client, survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(expires_at=survey.resolved_at - timedelta(days=1))
    response = client.get(_url(survey), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "has closed" in response.content.decode()
    assert client.post(_url(survey), {"rating": "5"}).status_code == 410
    survey.refresh_from_db()
    assert survey.rating is None


def test_a_skipped_survey_is_refused(client: Client, survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(state=SurveyState.SKIPPED, skip_reason="agent")
    assert client.post(_url(survey), {"rating": "5"}).status_code == 410
