"""The chat widget's survey endpoints: read by the chat's session, answer by the token."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conversations.models import Conversation, Status
from kefu.core.throttle import Limit
from kefu.feedback import widget
from kefu.feedback.models import Survey, SurveyState
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.webchat.identity import issue_session
from kefu.inboxes.webchat.models import ChatSession
from kefu.safety.models import SafetyAlert

PAGE = "https://www.exchange.example"
SURVEY_URL = "/feedback/widget/survey/"
ANSWER_URL = "/feedback/widget/answer/"


@pytest.fixture
def chat_inbox(db: None) -> Inbox:
    return Inbox.objects.create(
        name="Live chat", channel=Channel.WEBCHAT, config={"allowed_origins": [PAGE]}
    )


@pytest.fixture
def chat_survey(chat_inbox: Inbox, conversation_factory: Callable[..., Conversation]) -> Survey:
    """A resolved chat of visitor "v1" whose survey was sent to the widget."""
    conversation = conversation_factory(
        status=Status.RESOLVED, inbox=chat_inbox, channel=Channel.WEBCHAT
    )
    ChatSession.objects.create(conversation=conversation, visitor="v1")
    now = timezone.now()
    return Survey.objects.create(
        conversation=conversation,
        resolved_at=now,
        token="widget-survey-token-0123456789",
        inbox=chat_inbox,
        channel=Channel.WEBCHAT,
        language="zh-Hans",
        state=SurveyState.SENT,
        sent_at=now,
        expires_at=now + timedelta(days=7),
    )


def _read(client: Client, survey: Survey, visitor: str = "v1", **extra: Any) -> Any:
    return client.get(
        SURVEY_URL,
        {
            "inbox": survey.inbox_id,
            "session": issue_session(survey.inbox_id, visitor),
            "conversation": survey.conversation_id,
            **extra,
        },
        headers={"origin": PAGE},
    )


def _answer(client: Client, body: object, origin: str = PAGE) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(ANSWER_URL, raw, content_type="text/plain", headers={"origin": origin})


def test_the_chat_reads_its_sent_survey_by_its_session(
    client: Client, chat_survey: Survey, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):  # inbox, the visitor's chat, the survey
        response = _read(client, chat_survey)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == PAGE
    assert response.json()["survey"] == {
        "token": chat_survey.token,
        "conversation_id": chat_survey.conversation_id,
        "open": True,
        "answered": False,
        "rating": None,
        "comment": "",
        "contacted_outside": None,
    }


def test_another_visitor_and_an_unsent_survey_read_nothing(
    client: Client, chat_survey: Survey
) -> None:
    assert _read(client, chat_survey, visitor="someone-else").json() == {"survey": None}
    Survey.objects.filter(pk=chat_survey.pk).update(state=SurveyState.PENDING)
    assert _read(client, chat_survey).json() == {"survey": None}


def test_a_forged_session_is_refused_in_the_widget_language(
    client: Client, chat_survey: Survey
) -> None:
    response = _read(client, chat_survey, session="forged", lang="en")
    assert response.status_code == 404
    assert response.json() == {
        "code": "survey_not_found",
        "message": "This survey could not be found.",
    }


def test_four_stars_with_a_comment_are_stored_and_may_be_changed(
    client: Client, chat_survey: Survey
) -> None:
    response = _answer(
        client, {"token": chat_survey.token, "rating": 4, "comment": "回复很快，谢谢"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == 4
    assert response.json()["answered"] is True
    chat_survey.refresh_from_db()
    assert (chat_survey.rating, chat_survey.comment) == (4, "回复很快，谢谢")
    assert chat_survey.state == SurveyState.ANSWERED

    changed = _answer(client, {"token": chat_survey.token, "rating": 5, "comment": ""})
    assert changed.json()["rating"] == 5
    assert Survey.objects.get(pk=chat_survey.pk).rating == 5


def test_a_yes_to_the_official_channels_question_raises_a_safety_alert(
    client: Client, chat_survey: Survey
) -> None:
    response = _answer(client, {"token": chat_survey.token, "rating": 2, "contacted_outside": True})
    assert response.json()["contacted_outside"] is True
    assert SafetyAlert.objects.filter(
        conversation=chat_survey.conversation, kind=SafetyAlert.Kind.CONTACTED_OUTSIDE
    ).exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "bad_request"),
        ([1, 2], 400, "bad_request"),
        ({"token": "no-such-token", "rating": 4}, 404, "survey_not_found"),
        ({"rating": 4}, 404, "survey_not_found"),
        ({"token": "TOKEN", "rating": "5"}, 400, "bad_request"),
        ({"token": "TOKEN", "rating": True}, 400, "bad_request"),
        ({"token": "TOKEN", "rating": 4, "contacted_outside": "yes"}, 400, "bad_request"),
        ({"token": "TOKEN", "rating": 4, "comment": 7}, 400, "bad_request"),
        ({"token": "TOKEN"}, 422, "rating_out_of_range"),
        ({"token": "TOKEN", "rating": 6}, 422, "rating_out_of_range"),
        ({"token": "TOKEN", "rating": 0}, 422, "rating_out_of_range"),
    ],
)
def test_bad_answers_are_refused_with_a_translated_message_and_store_nothing(
    client: Client, chat_survey: Survey, body: Any, status: int, code: str
) -> None:
    if isinstance(body, dict) and body.get("token") == "TOKEN":
        body = {**body, "token": chat_survey.token}
    response = _answer(client, body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]
    chat_survey.refresh_from_db()
    assert chat_survey.rating is None
    assert chat_survey.answered_at is None


def test_errors_speak_the_widget_language(client: Client, chat_survey: Survey) -> None:
    body = {"token": chat_survey.token, "rating": 9}
    assert _answer(client, body).json()["message"] == "请选择 1 到 5 颗星的评分。"
    assert _answer(client, {**body, "language": "zh-Hant"}).json()["message"] == (
        "請選擇 1 到 5 顆星的評分。"
    )
    assert _answer(client, {**body, "language": "en"}).json()["message"] == (
        "Choose a rating from 1 to 5 stars."
    )


def test_an_expired_survey_is_refused(client: Client, chat_survey: Survey) -> None:
    Survey.objects.filter(pk=chat_survey.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    response = _answer(client, {"token": chat_survey.token, "rating": 4, "language": "en"})
    assert response.status_code == 410
    assert response.json()["code"] == "survey_expired"
    assert Survey.objects.get(pk=chat_survey.pk).rating is None
    assert _read(client, chat_survey).json()["survey"]["open"] is False


def test_a_page_the_inbox_does_not_allow_may_not_answer(
    client: Client, chat_survey: Survey
) -> None:
    response = _answer(
        client, {"token": chat_survey.token, "rating": 4}, origin="https://evil.example"
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert Survey.objects.get(pk=chat_survey.pk).rating is None


def test_answers_are_throttled_per_survey_and_address(
    client: Client, chat_survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widget, "ANSWER_LIMIT", Limit("test.widget.answer", 2, 3600))
    for _ in range(2):
        assert _answer(client, {"token": chat_survey.token, "rating": 3}).status_code == 200
    refused = _answer(client, {"token": chat_survey.token, "rating": 5})
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert Survey.objects.get(pk=chat_survey.pk).rating == 3
