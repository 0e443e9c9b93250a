"""The IVR through the HTTP stack: signed webhooks in, TwiML out, parsed and checked per branch."""

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.agents.models import Team
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.core.intents import Intent
from kefu.core.languages import Language
from kefu.core.public_address import absolute_url
from kefu.inboxes.phone import dispatch, prompts, recordings
from kefu.inboxes.phone.models import (
    Call,
    Callback,
    CallEventKind,
    CallStatus,
    PhoneLine,
    Prompt,
    PromptKey,
    Recording,
    RecordingKind,
    RecordingStatus,
    WebhookHit,
)
from kefu.routing.models import ServiceSchedule, WeeklyHours
from tests.inboxes.phone.conftest import ACCOUNT_SID, parse_twiml
from tests.inboxes.phone.twilio_server import TwilioServer

pytestmark = pytest.mark.django_db

Post = Callable[..., Any]
MAINLAND = "+8613800138000"
HONG_KONG = "+85291234567"
TAIWAN = "+886912345678"
# Who calls, what they press for Chinese or English, the language, the <Say> language code.
CALLERS = [
    (MAINLAND, "1", Language.ZH_HANS, "cmn-CN"),
    (HONG_KONG, "1", Language.ZH_HANT, "yue-HK"),
    (TAIWAN, "1", Language.ZH_HANT, "cmn-TW"),
    (MAINLAND, "2", Language.EN, "en-US"),
]


def path(name: str, line: PhoneLine, query: str = "") -> str:
    return reverse(f"phone:{name}", kwargs={"line_id": line.pk}) + query


def said(element: ET.Element) -> list[tuple[str, str]]:
    """(language, text) of every <Say> under `element`, in order."""
    return [(say.get("language", ""), say.text or "") for say in element.iter("Say")]


def text(key: str, language: str) -> str:
    return prompts.translated(prompts.BUILT_IN[key], language)


def ring(post: Post, line: PhoneLine, number: str = MAINLAND, sid: str = "CA1") -> ET.Element:
    return parse_twiml(
        post(path("voice", line), {"CallSid": sid, "From": number, "To": line.number})
    )


def step(post: Post, line: PhoneLine, name: str, sid: str = "CA1", **fields: str) -> ET.Element:
    query = fields.pop("query", "?attempt=1")
    return parse_twiml(post(path(name, line, query), {"CallSid": sid, **fields}))


def to_topic_menu(post: Post, line: PhoneLine, number: str, digit: str) -> ET.Element:
    ring(post, line, number)
    return step(post, line, "language", Digits=digit)


@pytest.fixture
def security(db: None) -> Team:
    return Team.objects.create(name="Security", slug="security")


# ---------------------------------------------------------------- welcome and language


@pytest.mark.parametrize(
    ("number", "language", "code"), [(n, lang, c) for n, d, lang, c in CALLERS if d == "1"]
)
def test_the_welcome_speaks_both_languages_and_listens_for_keys_and_words(
    phone_line: PhoneLine, twilio_post: Post, number: str, language: str, code: str
) -> None:
    root = ring(twilio_post, phone_line, number)
    call = Call.objects.get(sid="CA1")
    assert call.from_number == number
    (gather,) = root
    assert gather.tag == "Gather"
    assert gather.get("action") == absolute_url(path("language", phone_line)) + "?attempt=1"
    assert gather.get("input") == "dtmf speech"
    assert gather.get("numDigits") == "1"
    assert gather.get("actionOnEmptyResult") == "true"
    assert "English" in (gather.get("hints") or "")
    assert said(gather) == [
        (code, text(PromptKey.WELCOME, language)),
        ("en-US", text(PromptKey.WELCOME, Language.EN)),
        (code, text(PromptKey.SAFETY, language)),
        ("en-US", text(PromptKey.SAFETY, Language.EN)),
    ]
    # Real translations, not the English source.
    assert text(PromptKey.SAFETY, language) != text(PromptKey.SAFETY, Language.EN)


def test_a_contact_who_reads_traditional_chinese_hears_it(
    phone_line: PhoneLine, twilio_post: Post, contact_factory: Any
) -> None:
    contact = contact_factory(language=Language.ZH_HANT)
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value=MAINLAND)
    root = ring(twilio_post, phone_line)
    assert said(root)[0] == ("cmn-TW", text(PromptKey.WELCOME, Language.ZH_HANT))


@pytest.mark.parametrize(("number", "digit", "language", "code"), CALLERS)
def test_a_language_chosen_by_key_gives_the_safety_line_and_topics_in_it(
    phone_line: PhoneLine, twilio_post: Post, number: str, digit: str, language: str, code: str
) -> None:
    root = to_topic_menu(twilio_post, phone_line, number, digit)
    assert Call.objects.get(sid="CA1").language == language
    (gather,) = root
    assert gather.get("action") == absolute_url(path("topic", phone_line)) + "?attempt=1"
    assert gather.get("input") == "dtmf speech"
    assert said(gather) == [
        (code, text(PromptKey.SAFETY, language)),
        (code, text(PromptKey.TOPIC_MENU, language)),
    ]


@pytest.mark.parametrize(
    ("speech", "language"),
    [("English.", Language.EN), ("普通话", Language.ZH_HANS), ("中文", Language.ZH_HANS)],
)
def test_a_language_chosen_by_voice(
    phone_line: PhoneLine, twilio_post: Post, speech: str, language: str
) -> None:
    ring(twilio_post, phone_line)
    step(twilio_post, phone_line, "language", SpeechResult=speech, Confidence="0.9")
    assert Call.objects.get(sid="CA1").language == language


def test_silence_in_the_language_menu_asks_once_more_then_takes_chinese(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    ring(twilio_post, phone_line)
    again = step(twilio_post, phone_line, "language", Digits="")
    (gather,) = again
    assert gather.get("action", "").endswith("/language?attempt=2")
    assert said(gather)[0] == ("cmn-CN", prompts.translated(prompts.NOT_UNDERSTOOD, "zh-Hans"))
    assert Call.objects.get(sid="CA1").language == ""
    step(twilio_post, phone_line, "language", query="?attempt=2", Digits="7")
    assert Call.objects.get(sid="CA1").language == Language.ZH_HANS


# ---------------------------------------------------------------- topics and the queue


@pytest.mark.parametrize(
    ("fields", "intent"),
    [
        ({"Digits": "1"}, Intent.ACCOUNT_STOLEN),
        ({"Digits": "2"}, Intent.WITHDRAWAL_DELAYED),
        ({"Digits": "3"}, Intent.ACCOUNT_LOCKED),
        ({"Digits": "0"}, ""),
        ({"Digits": "4"}, ""),
        ({"SpeechResult": "my account was hacked"}, Intent.ACCOUNT_STOLEN),
        ({"SpeechResult": "我的账户被锁了"}, Intent.ACCOUNT_LOCKED),
        ({"SpeechResult": "提現"}, Intent.WITHDRAWAL_DELAYED),
    ],
)
def test_a_topic_queues_the_caller_for_its_team(
    phone_line: PhoneLine, twilio_post: Post, security: Team, fields: dict[str, str], intent: str
) -> None:
    to_topic_menu(twilio_post, phone_line, MAINLAND, "2")
    root = step(twilio_post, phone_line, "topic", **fields)
    call = Call.objects.get(sid="CA1")
    assert call.intent == intent
    assert call.status == CallStatus.QUEUED
    assert call.urgent == (intent == Intent.ACCOUNT_STOLEN)
    # The caller's job opens the conversation, not the webhook that must answer fast.
    assert call.conversation is None
    dispatch.place_caller.call(call.pk)
    call.refresh_from_db()
    assert call.conversation is not None
    (enqueue,) = root
    assert enqueue.tag == "Enqueue"
    assert enqueue.text == (f"team-{call.team_id}" if call.team_id else "team-none")
    assert enqueue.get("waitUrl") == absolute_url(path("queue-wait", phone_line))
    assert enqueue.get("waitUrlMethod") == "POST"


def test_stolen_accounts_wait_in_the_security_queue(
    phone_line: PhoneLine, twilio_post: Post, security: Team
) -> None:
    to_topic_menu(twilio_post, phone_line, MAINLAND, "1")
    (enqueue,) = step(twilio_post, phone_line, "topic", Digits="1")
    assert enqueue.text == f"team-{security.pk}"


def test_a_wrong_topic_asks_once_more_then_takes_other(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    to_topic_menu(twilio_post, phone_line, MAINLAND, "2")
    (gather,) = step(twilio_post, phone_line, "topic", Digits="9")
    assert gather.get("action", "").endswith("/topic?attempt=2")
    assert said(gather) == [
        ("en-US", prompts.translated(prompts.NOT_UNDERSTOOD, "en")),
        ("en-US", text(PromptKey.TOPIC_MENU, "en")),
    ]
    assert Call.objects.get(sid="CA1").status == CallStatus.IVR
    (enqueue,) = step(twilio_post, phone_line, "topic", query="?attempt=2")
    assert enqueue.text == "team-none"
    assert Call.objects.get(sid="CA1").intent == ""


@pytest.mark.parametrize("language_digit", ["1", "2"])
def test_the_recording_notice_comes_before_the_queue(
    phone_line: PhoneLine, twilio_post: Post, language_digit: str
) -> None:
    phone_line.recording_enabled = True
    phone_line.save()
    to_topic_menu(twilio_post, phone_line, MAINLAND, language_digit)
    root = step(twilio_post, phone_line, "topic", Digits="0")
    language = Call.objects.get(sid="CA1").language
    assert [child.tag for child in root] == ["Say", "Enqueue"]
    assert root[0].text == text(PromptKey.RECORDING_NOTICE, language)


# ---------------------------------------------------------------- outside service hours


def _closed_now(extended: bool = False) -> ServiceSchedule:
    """A default schedule open only at a time that is not now (UTC)."""
    schedule = ServiceSchedule.objects.create(timezone="UTC", country="", extended_hours=extended)
    later = (timezone.now() + timedelta(hours=12)).astimezone(UTC)
    WeeklyHours.objects.create(
        schedule=schedule,
        weekday=later.weekday(),
        opens=time(later.hour),
        closes=time(later.hour, 30),
    )
    return schedule


@pytest.mark.parametrize(("number", "digit", "language", "code"), CALLERS)
def test_outside_hours_the_caller_hears_when_we_open_and_may_leave_a_message(
    phone_line: PhoneLine, twilio_post: Post, number: str, digit: str, language: str, code: str
) -> None:
    _closed_now()
    to_topic_menu(twilio_post, phone_line, number, digit)
    root = step(twilio_post, phone_line, "topic", Digits="3")
    call = Call.objects.get(sid="CA1")
    assert call.status == CallStatus.IVR
    assert call.events.filter(kind=CallEventKind.CLOSED).exists()
    assert [child.tag for child in root] == ["Say", "Say", "Gather"]
    assert call.language == language
    assert root[0].text == text(PromptKey.CLOSED, language)
    assert root[1].get("language") == code
    # "We open again on …", with the opening's date and time in the caller's language.
    opens = prompts.translated(prompts.OPENS_AT, language)
    assert (root[1].text or "").startswith(opens.split("{when}")[0])
    opening = (timezone.now() + timedelta(hours=12)).astimezone(UTC)
    assert str(opening.year) in (root[1].text or "")
    gather = root[2]
    assert gather.get("action", "").endswith("/closed?attempt=1")
    assert said(gather) == [
        (code, prompts.translated(prompts.VOICEMAIL_OPTION, language)),
        (code, prompts.translated(prompts.CALLBACK_OPTION, language)),
    ]


def test_extended_hours_open_the_queue(phone_line: PhoneLine, twilio_post: Post) -> None:
    _closed_now(extended=True)
    to_topic_menu(twilio_post, phone_line, MAINLAND, "2")
    (enqueue,) = step(twilio_post, phone_line, "topic", Digits="3")
    assert enqueue.tag == "Enqueue"


def test_outside_hours_without_voicemail_or_callbacks_says_goodbye(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    phone_line.voicemail_enabled = phone_line.callback_enabled = False
    phone_line.save()
    _closed_now()
    to_topic_menu(twilio_post, phone_line, MAINLAND, "2")
    root = step(twilio_post, phone_line, "topic", Digits="3")
    assert [child.tag for child in root][-2:] == ["Say", "Hangup"]
    assert root[-2].text == text(PromptKey.GOODBYE, "en")


def test_a_withheld_number_outside_hours_is_offered_voicemail_only(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    _closed_now()
    to_topic_menu(twilio_post, phone_line, "anonymous", "2")
    root = step(twilio_post, phone_line, "topic", Digits="3")
    assert said(root.find("Gather")) == [  # type: ignore[arg-type]
        ("en-US", prompts.translated(prompts.VOICEMAIL_OPTION, "en"))
    ]
    # Pressing 2 anyway: told why, and back to the choice.
    refused = step(twilio_post, phone_line, "closed", Digits="2")
    assert said(refused) == [("en-US", prompts.translated(prompts.CALLBACK_REFUSED, "en"))]
    assert (refused.find("Redirect").text or "").endswith("/closed?attempt=2")  # type: ignore[union-attr]
    assert not Callback.objects.exists()


def test_voicemail_records_with_a_beep_and_reports_the_recording(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    _closed_now()
    to_topic_menu(twilio_post, phone_line, MAINLAND, "1")
    step(twilio_post, phone_line, "topic", Digits="2")
    root = step(twilio_post, phone_line, "closed", Digits="1")
    assert [child.tag for child in root] == ["Say", "Record"]
    assert root[0].text == text(PromptKey.VOICEMAIL, Language.ZH_HANS)
    record = root[1]
    assert record.get("playBeep") == "true"
    assert record.get("maxLength") == "120"
    assert record.get("action", "").endswith(path("voicemail-done", phone_line))
    callback_url = record.get("recordingStatusCallback", "")
    assert callback_url == absolute_url(path("recording", phone_line)) + "?kind=voicemail"
    done = step(twilio_post, phone_line, "voicemail-done", query="", RecordingUrl="x")
    assert [child.tag for child in done] == ["Say", "Hangup"]
    call = Call.objects.get(sid="CA1")
    assert call.status == CallStatus.VOICEMAIL
    assert call.conversation is not None
    assert "Voicemail" in call.conversation.messages.get().text or "语音留言" in (
        call.conversation.messages.get().text
    )


def test_a_callback_asked_for_outside_hours(phone_line: PhoneLine, twilio_post: Post) -> None:
    _closed_now()
    to_topic_menu(twilio_post, phone_line, MAINLAND, "2")
    step(twilio_post, phone_line, "topic", Digits="2")
    root = step(twilio_post, phone_line, "closed", Digits="2")
    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert root[0].text == text(PromptKey.CALLBACK_CONFIRMED, "en")
    callback = Callback.objects.get()
    assert callback.number == MAINLAND
    assert Call.objects.get(sid="CA1").status == CallStatus.CALLBACK_REQUESTED


def test_no_choice_outside_hours_asks_once_more_then_says_goodbye(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    _closed_now()
    to_topic_menu(twilio_post, phone_line, MAINLAND, "2")
    step(twilio_post, phone_line, "topic", Digits="2")
    again = step(twilio_post, phone_line, "closed", Digits="")
    assert again[0].text == prompts.translated(prompts.NOT_UNDERSTOOD, "en")
    assert (again.find("Gather").get("action") or "").endswith("/closed?attempt=2")  # type: ignore[union-attr]
    bye = step(twilio_post, phone_line, "closed", query="?attempt=2", Digits="")
    assert [child.tag for child in bye] == ["Say", "Hangup"]


# ---------------------------------------------------------------- on hold


def _queued(
    post: Post, line: PhoneLine, number: str = MAINLAND, sid: str = "CA1", digit: str = "2"
) -> Call:
    ring(post, line, number, sid)
    step(post, line, "language", sid, Digits=digit)
    step(post, line, "topic", sid, Digits="0")
    return Call.objects.get(sid=sid)


@pytest.mark.parametrize(("number", "digit", "language", "code"), CALLERS)
def test_on_hold_the_caller_hears_their_place_and_may_ask_for_a_callback(
    phone_line: PhoneLine, twilio_post: Post, number: str, digit: str, language: str, code: str
) -> None:
    _queued(twilio_post, phone_line, MAINLAND, "CA1")
    _queued(twilio_post, phone_line, number, "CA2", digit)
    root = step(twilio_post, phone_line, "queue-wait", "CA2", query="", QueuePosition="2")
    (gather,) = root
    assert gather.get("action") == absolute_url(path("queue-choice", phone_line))
    assert gather.get("numDigits") == "1"
    assert said(gather) == [
        (code, prompts.fill(text(PromptKey.QUEUE_POSITION, language), {"position": 2})),
        (code, text(PromptKey.CALLBACK_OFFER, language)),
    ]
    assert [child.tag for child in gather][-1] == "Pause"
    confirmed = step(twilio_post, phone_line, "queue-choice", "CA2", query="", Digits="1")
    assert [child.tag for child in confirmed] == ["Say", "Hangup"]
    assert said(confirmed) == [(code, text(PromptKey.CALLBACK_CONFIRMED, language))]


def test_hold_music_plays_and_a_withheld_number_is_not_offered_a_callback(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    phone_line.hold_music_url = "https://example.com/hold.mp3"
    phone_line.save()
    _queued(twilio_post, phone_line, "anonymous")
    root = step(twilio_post, phone_line, "queue-wait", query="")
    assert [child.tag for child in root] == ["Say", "Play"]
    assert root[1].text == "https://example.com/hold.mp3"


def test_pressing_1_on_hold_keeps_the_place_and_ends_the_call(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    call = _queued(twilio_post, phone_line)
    root = step(twilio_post, phone_line, "queue-choice", query="", Digits="1")
    assert [child.tag for child in root] == ["Say", "Hangup"]
    callback = Callback.objects.get()
    assert callback.queued_at == call.queued_at
    assert callback.number == MAINLAND
    call.refresh_from_db()
    assert call.status == CallStatus.CALLBACK_REQUESTED
    # The hang-up that follows is not a missed call.
    twilio_post(path("status", phone_line), {"CallSid": "CA1", "CallStatus": "completed"})
    call.refresh_from_db()
    assert call.status == CallStatus.CALLBACK_REQUESTED
    assert call.ended_at is not None


def test_another_key_on_hold_goes_back_to_waiting(phone_line: PhoneLine, twilio_post: Post) -> None:
    _queued(twilio_post, phone_line)
    root = step(twilio_post, phone_line, "queue-choice", query="", Digits="5")
    assert (root.find("Redirect").text or "").endswith(path("queue-wait", phone_line))  # type: ignore[union-attr]
    assert not Callback.objects.exists()


def test_a_withheld_number_pressing_1_on_hold_is_told_why(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    _queued(twilio_post, phone_line, "anonymous")
    root = step(twilio_post, phone_line, "queue-choice", query="", Digits="1")
    assert said(root) == [("en-US", prompts.translated(prompts.CALLBACK_REFUSED, "en"))]
    assert root.find("Redirect") is not None
    assert not Callback.objects.exists()
    assert Call.objects.get().status == CallStatus.QUEUED


# ---------------------------------------------------------------- edited prompts


def test_an_edited_prompt_replaces_the_built_in_text_or_plays_a_recording(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    Prompt.objects.create(
        line=phone_line, key=PromptKey.WELCOME, language=Language.ZH_HANS, text="欢迎致电。"
    )
    Prompt.objects.create(
        line=phone_line,
        key=PromptKey.WELCOME,
        language=Language.EN,
        audio_url="https://example.com/welcome-en.mp3",
    )
    (gather,) = ring(twilio_post, phone_line)
    assert gather[0].tag == "Say"
    assert gather[0].text == "欢迎致电。"
    assert gather[1].tag == "Play"
    assert gather[1].text == "https://example.com/welcome-en.mp3"


# ---------------------------------------------------------------- recordings and status


def _recording(post: Post, line: PhoneLine, query: str = "", **fields: str) -> Any:
    params = {
        "CallSid": "CA1",
        "RecordingSid": "RE" + "1" * 32,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{'1' * 32}",
        "RecordingStatus": "completed",
        "RecordingDuration": "17",
        **fields,
    }
    return post(path("recording", line, query), params)


def test_a_voicemail_recording_is_noted_once_for_the_fetch_job(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    ring(twilio_post, phone_line)
    # The caller hung up to finish: Twilio reports the end before the recording.
    twilio_post(path("status", phone_line), {"CallSid": "CA1", "CallStatus": "completed"})
    assert _recording(twilio_post, phone_line, "?kind=voicemail").status_code == 200
    assert _recording(twilio_post, phone_line, "?kind=voicemail").status_code == 200
    recording = Recording.objects.get()
    assert recording.kind == RecordingKind.VOICEMAIL
    assert recording.status == RecordingStatus.PENDING
    assert recording.next_attempt_at is not None
    assert recording.duration == 17
    call = Call.objects.get()
    assert call.status == CallStatus.VOICEMAIL
    assert call.events.filter(kind=CallEventKind.VOICEMAIL).count() == 1
    assert call.conversation is not None


def test_a_call_recording_is_noted_without_changing_the_call(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    call = _queued(twilio_post, phone_line)
    _recording(twilio_post, phone_line)
    assert Recording.objects.get().kind == RecordingKind.RECORDING
    assert Call.objects.get().status == call.status


@pytest.mark.parametrize(
    "fields",
    [
        {"RecordingSid": ""},
        {"RecordingUrl": ""},
        {"RecordingUrl": "file:///etc/passwd"},
    ],
)
def test_a_recording_report_without_its_sid_or_url_is_refused(
    phone_line: PhoneLine, twilio_post: Post, fields: dict[str, str]
) -> None:
    ring(twilio_post, phone_line)
    response = _recording(twilio_post, phone_line, **fields)
    assert response.status_code == 400
    assert not Recording.objects.exists()
    assert WebhookHit.objects.filter(endpoint="recording", status_code=400).exists()


def test_an_absent_recording_stores_nothing_but_its_log_line(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    ring(twilio_post, phone_line)
    response = _recording(twilio_post, phone_line, "?kind=voicemail", RecordingStatus="absent")
    assert response.status_code == 200
    assert not Recording.objects.exists()
    assert Call.objects.get().status == CallStatus.IVR
    assert WebhookHit.objects.filter(error__startswith="recording absent").exists()


@pytest.mark.parametrize("reason", ["completed", "busy", "no-answer", "failed", "canceled"])
def test_a_call_that_ends_in_the_menu_is_missed(
    phone_line: PhoneLine, twilio_post: Post, reason: str
) -> None:
    ring(twilio_post, phone_line)
    response = twilio_post(
        path("status", phone_line), {"CallSid": "CA1", "CallStatus": reason, "CallDuration": "9"}
    )
    assert response.status_code == 200
    call = Call.objects.get()
    assert call.status == CallStatus.MISSED
    assert call.duration == 9
    assert call.events.get(kind=CallEventKind.MISSED).detail["reason"] == reason


def test_a_status_before_the_end_changes_nothing(phone_line: PhoneLine, twilio_post: Post) -> None:
    ring(twilio_post, phone_line)
    twilio_post(path("status", phone_line), {"CallSid": "CA1", "CallStatus": "in-progress"})
    assert Call.objects.get().ended_at is None


def test_webhooks_for_an_ended_call_change_nothing(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    ring(twilio_post, phone_line)
    twilio_post(path("status", phone_line), {"CallSid": "CA1", "CallStatus": "completed"})
    ended = Call.objects.get()
    events = ended.events.count()
    twilio_post(path("status", phone_line), {"CallSid": "CA1", "CallStatus": "busy"})
    root = step(twilio_post, phone_line, "language", Digits="2")
    assert [child.tag for child in root] == ["Hangup"]
    call = Call.objects.get()
    assert (call.status, call.ended_at, call.language) == (ended.status, ended.ended_at, "")
    assert call.events.count() == events


@pytest.mark.parametrize(
    "name",
    [
        "language",
        "topic",
        "closed",
        "queue-wait",
        "queue-choice",
        "voicemail-done",
        "recording",
        "status",
    ],
)
def test_a_webhook_about_an_unknown_call_stores_only_its_log_line(
    phone_line: PhoneLine, twilio_post: Post, name: str
) -> None:
    response = twilio_post(path(name, phone_line), {"CallSid": "CA404", "Digits": "1"})
    assert response.status_code == 200
    assert not Call.objects.exists()
    assert WebhookHit.objects.filter(endpoint=name, error="unknown call").exists()


def test_an_incoming_call_without_a_call_sid_is_refused(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    response = twilio_post(path("voice", phone_line), {"From": MAINLAND})
    assert response.status_code == 400
    assert not Call.objects.exists()


def test_a_voicemail_left_in_the_ivr_is_fetched_into_the_callers_conversation(
    phone_line: PhoneLine, twilio_post: Post, twilio_server: TwilioServer
) -> None:
    sid = "RE" + "1" * 32
    twilio_server.reply(
        f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{sid}.mp3",
        200,
        b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 4,
        content_type="audio/mpeg",
    )
    _closed_now()
    to_topic_menu(twilio_post, phone_line, MAINLAND, "2")
    step(twilio_post, phone_line, "topic", Digits="2")
    step(twilio_post, phone_line, "closed", Digits="1")
    step(twilio_post, phone_line, "voicemail-done", query="")
    twilio_post(path("status", phone_line), {"CallSid": "CA1", "CallStatus": "completed"})
    _recording(twilio_post, phone_line, "?kind=voicemail")
    recording = Recording.objects.get()
    recordings.fetch_recording.call(recording.pk)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.STORED
    call = Call.objects.get()
    assert call.status == CallStatus.VOICEMAIL
    assert call.conversation is not None
    assert recording.message is not None
    assert recording.message.conversation_id == call.conversation_id
    assert recording.message.attachments.count() == 1
