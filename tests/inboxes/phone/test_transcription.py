"""The pluggable transcriber: none by default, and its text screened like a customer's."""

from typing import Any

import pytest
from mnemonic import Mnemonic

from kefu.core import transcription
from kefu.inboxes.phone.models import PhoneLine, RecordingKind, RecordingStatus
from tests.inboxes.phone.test_recordings import MEDIA, MP3, _fetch, _recording
from tests.inboxes.phone.twilio_server import TwilioServer

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))
HEARD: list[tuple[bytes, str, str]] = []


class ReadsOutAPhrase:
    """A caller who reads their recovery phrase onto the voicemail."""

    def transcribe(self, audio: bytes, content_type: str, language: str) -> str:
        HEARD.append((audio, content_type, language))
        return f"please help, my words are {PHRASE}"


class Broken:
    def transcribe(self, audio: bytes, content_type: str, language: str) -> str:
        raise RuntimeError("the speech service is down")


def test_there_is_no_transcriber_unless_one_is_configured(settings: Any) -> None:
    settings.KEFU_TRANSCRIBER = ""
    assert transcription.transcriber() is None
    assert transcription.transcript(MP3, "audio/mpeg", "en") == ""


@pytest.mark.django_db
def test_a_transcribed_recovery_phrase_is_redacted_in_the_stored_voicemail(
    phone_line: PhoneLine, twilio_server: TwilioServer, settings: Any
) -> None:
    settings.KEFU_TRANSCRIBER = f"{__name__}.ReadsOutAPhrase"
    HEARD.clear()
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    recording = _recording(phone_line)
    assert _fetch(recording) == RecordingStatus.STORED
    assert HEARD == [(MP3, "audio/mpeg", "en")]
    message = recording.message
    assert message is not None
    assert message.text.startswith("Voicemail (0:42)\n\nplease help, my words are ")
    assert PHRASE.split()[0] not in message.text
    conversation = message.conversation
    assert conversation.secret_exposed  # the customer is warned, supervisors alerted


@pytest.mark.django_db
def test_a_call_recording_is_not_transcribed(
    phone_line: PhoneLine, twilio_server: TwilioServer, settings: Any
) -> None:
    settings.KEFU_TRANSCRIBER = f"{__name__}.ReadsOutAPhrase"
    HEARD.clear()
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    assert _fetch(_recording(phone_line, RecordingKind.RECORDING)) == RecordingStatus.STORED
    assert HEARD == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", [f"{__name__}.Broken", f"{__name__}.Missing"])
def test_a_failing_or_missing_transcriber_costs_the_text_not_the_voicemail(
    phone_line: PhoneLine, twilio_server: TwilioServer, settings: Any, path: str
) -> None:
    settings.KEFU_TRANSCRIBER = path
    twilio_server.reply(MEDIA, 200, MP3, content_type="audio/mpeg")
    recording = _recording(phone_line)
    assert _fetch(recording) == RecordingStatus.STORED
    assert recording.message is not None
    assert recording.message.text == "Voicemail (0:42)"
