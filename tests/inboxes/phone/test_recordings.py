"""Voicemails and call recordings fetched from (a local stand-in for) Twilio's REST API."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.conversations.models import MessageKind
from kefu.core import scheduler
from kefu.inboxes.phone import actions, recordings
from kefu.inboxes.phone.models import (
    Call,
    CallEventKind,
    Direction,
    PhoneLine,
    Recording,
    RecordingKind,
    RecordingStatus,
)
from tests.inboxes.phone.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.inboxes.phone.twilio_server import TwilioServer

pytestmark = pytest.mark.django_db

SID = "RE" + "0123456789abcdef" * 2
MEDIA = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{SID}.mp3"
# An ID3 header: the bytes read as MP3 to the attachment type check.
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 4


def _recording(line: PhoneLine, kind: str = RecordingKind.VOICEMAIL, sid: str = SID) -> Recording:
    call = actions.start_call(
        line=line,
        sid="CA" + sid[2:],
        direction=Direction.INBOUND,
        from_number="+8613800138000",
        to_number=line.number,
    )
    actions.choose_language(call, "en")
    return Recording.objects.create(
        call=call,
        sid=sid,
        kind=kind,
        # What the webhook said; never fetched from (the address is built from the sid).
        media_url=f"https://evil.test/{sid}",
        duration=42,
        next_attempt_at=timezone.now(),
    )


def _fetch(recording: Recording) -> str:
    result = recordings.fetch_recording.call(recording.pk)
    recording.refresh_from_db()
    return str(result)


def _events(call: Call) -> list[str]:
    return [event.kind for event in call.events.all()]


def test_a_voicemail_is_fetched_with_the_account_credentials_and_stored_as_the_callers_message(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    recording = _recording(phone_line)
    assert _fetch(recording) == RecordingStatus.STORED
    (request,) = twilio_server.received
    assert (request.method, request.path) == ("GET", MEDIA)
    assert request.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert recording.attempts == 1
    message = recording.message
    assert message is not None
    assert message.kind == MessageKind.INBOUND
    assert message.text == "Voicemail (0:42)"
    assert message.external_id == f"recording:{SID}"
    (attachment,) = message.attachments.all()
    assert attachment.content_type == "audio/mpeg"
    assert attachment.file.read() == MP3
    assert message.conversation == recording.call.conversation
    assert CallEventKind.RECORDING in _events(recording.call)


def test_a_call_recording_is_an_internal_note_with_the_audio(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    recording = _recording(phone_line, RecordingKind.RECORDING)
    assert _fetch(recording) == RecordingStatus.STORED
    message = recording.message
    assert message is not None
    assert message.kind == MessageKind.NOTE
    assert message.seq is None  # notes are not part of what the customer sees
    assert message.text == "Call recording (0:42)"
    assert message.attachments.get().size == len(MP3)


def test_a_recording_twilio_is_still_processing_is_fetched_on_the_next_attempt(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    twilio_server.reply(MEDIA, 404, {"code": 20404, "status": 404})
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    recording = _recording(phone_line)
    before = timezone.now()
    assert _fetch(recording) == RecordingStatus.PENDING
    assert recording.attempts == 1
    assert recording.error == "Twilio answered HTTP 404"
    assert recording.next_attempt_at is not None
    assert recording.next_attempt_at >= before + timedelta(seconds=30)
    assert recording.message is None
    assert _fetch(recording) == RecordingStatus.STORED
    assert recording.attempts == 2
    assert len(twilio_server.requests_to(MEDIA)) == 2


def test_a_recording_that_never_comes_is_failed_and_the_conversation_says_so(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    twilio_server.reply(MEDIA, 500, {"code": 20500, "status": 500})
    recording = _recording(phone_line)
    results = [_fetch(recording) for _ in range(recordings.MAX_ATTEMPTS)]
    assert results == [RecordingStatus.PENDING] * (recordings.MAX_ATTEMPTS - 1) + [
        RecordingStatus.FAILED
    ]
    assert recording.attempts == recordings.MAX_ATTEMPTS
    assert recording.error == "Twilio answered HTTP 500"
    assert len(twilio_server.requests_to(MEDIA)) == recordings.MAX_ATTEMPTS
    assert CallEventKind.RECORDING_FAILED in _events(recording.call)
    conversation = recording.call.conversation
    assert conversation is not None
    note = conversation.messages.get(kind=MessageKind.NOTE)
    assert f"The voicemail {SID} could not be fetched from Twilio" in note.text
    # A further job (a duplicate, or the sweep) changes nothing.
    assert _fetch(recording) == RecordingStatus.FAILED
    assert len(twilio_server.requests_to(MEDIA)) == recordings.MAX_ATTEMPTS


def test_a_recording_over_the_attachment_limit_is_refused_without_retrying(
    phone_line: PhoneLine, twilio_server: TwilioServer, settings: Any
) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = len(MP3) - 1
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    recording = _recording(phone_line)
    assert _fetch(recording) == RecordingStatus.FAILED
    assert "larger than the attachment limit" in recording.error
    assert recording.call.conversation is not None
    assert not recording.call.conversation.messages.filter(attachments__isnull=False).exists()


def test_an_unreachable_api_is_a_failed_attempt_to_retry(
    phone_line: PhoneLine, settings: Any
) -> None:
    settings.KEFU_TWILIO_API_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    recording = _recording(phone_line)
    assert _fetch(recording) == RecordingStatus.PENDING
    assert recording.error.startswith("ConnectError")


def test_a_sid_that_is_not_twilios_is_never_put_in_a_request(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    recording = _recording(phone_line, sid="RE../../Calls/CA1")
    assert _fetch(recording) == RecordingStatus.FAILED
    assert twilio_server.received == []
    assert "not a Twilio recording sid" in recording.error


def test_bytes_that_are_not_audio_are_refused_and_noted(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    twilio_server.reply(MEDIA, 200, b"<html>login</html>", content_type="text/html")
    recording = _recording(phone_line)
    assert _fetch(recording) == RecordingStatus.FAILED
    assert f"voicemail-{SID}.mp3" in recording.error  # the refusal names the file


def test_the_sweep_queues_due_recordings_once(
    phone_line: PhoneLine, django_capture_on_commit_callbacks: Any
) -> None:
    due = _recording(phone_line)
    later = _recording(phone_line, sid="RE" + "f" * 32)
    Recording.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=2)
    )
    job = next(job for job in scheduler.registered() if job.name == "phone.recordings")
    with django_capture_on_commit_callbacks(execute=True):
        assert recordings.queue_due() == 1
        assert recordings.queue_due() == 0  # leased: not queued twice before the job runs
    assert list(DBTaskResult.objects.values_list("args_kwargs", flat=True)) == [
        {"args": [due.pk], "kwargs": {}}
    ]
    assert job.run() == ""


@pytest.mark.parametrize(
    ("language", "text"), [("zh-Hans", "语音留言（0:42）"), ("zh-Hant", "語音留言（0:42）")]
)
def test_a_voicemail_is_labelled_in_the_callers_language(
    phone_line: PhoneLine, twilio_server: TwilioServer, language: str, text: str
) -> None:
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    recording = _recording(phone_line)
    actions.choose_language(recording.call, language)
    assert _fetch(recording) == RecordingStatus.STORED
    assert recording.message is not None
    assert recording.message.text == text


@pytest.mark.parametrize(("status", "deleted"), [(204, True), (500, False)])
def test_twilios_copy_is_deleted_once_stored_when_the_setting_says_so(
    phone_line: PhoneLine, twilio_server: TwilioServer, settings: Any, status: int, deleted: bool
) -> None:
    settings.KEFU_PHONE_DELETE_RECORDINGS = True
    json_path = MEDIA.removesuffix(".mp3") + ".json"
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    twilio_server.reply(json_path, status, b"")
    recording = _recording(phone_line)
    assert _fetch(recording) == RecordingStatus.STORED
    (request,) = twilio_server.requests_to(json_path)
    assert request.method == "DELETE"
    assert request.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert recordings.delete_from_twilio(recording) is deleted


def test_twilios_copy_is_kept_by_default(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    assert _fetch(_recording(phone_line)) == RecordingStatus.STORED
    assert [request.method for request in twilio_server.received] == ["GET"]


def test_a_recording_another_worker_has_claimed_is_left_to_it(
    phone_line: PhoneLine, twilio_server: TwilioServer
) -> None:
    recording = _recording(phone_line)
    stale = Recording.objects.get(pk=recording.pk)
    Recording.objects.filter(pk=recording.pk).update(attempts=1)  # the other worker's count
    assert recordings.fetch(stale) == RecordingStatus.PENDING
    assert stale.attempts == 0
    assert twilio_server.received == []
