"""The phone channel's conformance driver: a voicemail left on a hotline, over Twilio's
signed webhooks, its audio fetched from the local Twilio server.

A caller's message is a voicemail: the call's webhook, then the recording's; the fetch
job downloads the audio and stores it as the caller's message, with its transcript. The
test transcriber "hears" the delivery's text in its audio, so the text reaches Kefu the
way a caller's words do. A delivery's file is the recording's bytes; its name is not
the caller's to choose (Twilio's recording sid names it), so the driver says
names_files = False.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation
from kefu.core.public_address import absolute_url
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone.models import PhoneLine
from kefu.inboxes.phone.recordings import media_path
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.conformance.support import newest_conversation, smtp_refused
from tests.inboxes.phone.conftest import ACCOUNT_SID, AUTH_TOKEN, HOTLINE, twilio_signature
from tests.inboxes.phone.test_recordings import MP3
from tests.inboxes.phone.twilio_server import TwilioServer, serve

NOT_APPLICABLE = {
    # The caller's words are in the audio: a recording refused for its size or type leaves
    # no words to keep. The conversation gets a note that the voicemail could not be
    # fetched, with the reason (tests/inboxes/phone/test_recordings.py).
    "test_a_refused_file_is_noted_and_the_message_kept": "a voicemail's words are its audio",
}

# The words "spoken" on each recording, by its audio.
SPOKEN: dict[bytes, str] = {}


class HearsTheDeliveryText:
    """A transcriber that hears what the driver recorded for the audio."""

    def transcribe(self, audio: bytes, content_type: str, language: str) -> str:
        return SPOKEN.get(audio, "")


def _digits(value: str, count: int) -> str:
    return str(int(hashlib.sha256(value.encode()).hexdigest(), 16))[:count]


def _number(sender: str) -> str:
    return "+86138" + _digits(sender, 8)


def _sid(prefix: str, delivery_id: str) -> str:
    return prefix + hashlib.md5(delivery_id.encode()).hexdigest()


@dataclass
class PhoneDriver:
    line: PhoneLine
    twilio: TwilioServer
    run_tasks: Callable[[], None]
    # The webhooks queue the fetch on commit; the test's transaction never commits.
    on_commit: Any
    channel: str = Channel.PHONE
    names_files = False

    def _post(self, name: str, params: dict[str, str], forged: bool, query: str = "") -> int:
        path = reverse(f"phone:{name}", kwargs={"line_id": self.line.pk}) + query
        token = "0" * 32 if forged else AUTH_TOKEN
        signature = twilio_signature(absolute_url(path), params, token)
        with self.on_commit(execute=True):
            response = Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
        return response.status_code

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        call_sid, recording_sid = _sid("CA", delivery.delivery_id), _sid("RE", delivery.delivery_id)
        audio = delivery.file.content if delivery.file else MP3 + delivery.delivery_id.encode()
        SPOKEN[audio] = delivery.text
        self.twilio.reply(
            media_path(ACCOUNT_SID, recording_sid), 200, audio, content_type="audio/mpeg"
        )
        call = {"CallSid": call_sid, "From": _number(delivery.sender), "To": HOTLINE}
        status = self._post("voice", call, forged)
        if status != 200:
            return status
        status = self._post(
            "recording",
            {
                "CallSid": call_sid,
                "RecordingSid": recording_sid,
                "RecordingUrl": f"https://api.twilio.com{media_path(ACCOUNT_SID, recording_sid)}",
                "RecordingStatus": "completed",
                "RecordingDuration": "42",
            },
            forged,
            query="?kind=voicemail",
        )
        self.run_tasks()
        return status

    def conversation(self, sender: str) -> Conversation:
        return newest_conversation(IdentityKind.PHONE, _number(sender))

    @contextmanager
    def _mail_refused(self) -> Iterator[None]:
        # A reply to a caller is read on the portal; the mail telling them of it is what
        # can fail, so the callers here are known by an email address too.
        for conversation in Conversation.objects.filter(inbox=self.line.inbox):
            ContactIdentity.objects.get_or_create(
                contact=conversation.contact,
                kind=IdentityKind.EMAIL,
                defaults={"value": f"caller{conversation.contact_id}@customer.example"},
            )
        with smtp_refused():
            yield

    def fail_outbound(self) -> AbstractContextManager[None]:
        return self._mail_refused()

    def close_window(self, conversation: Conversation) -> None:
        pytest.skip("a phone conversation takes replies at any time (read on the portal)")


def driver(request: pytest.FixtureRequest) -> PhoneDriver:
    settings: Any = request.getfixturevalue("settings")
    run_tasks: Callable[[], None] = request.getfixturevalue("run_tasks")
    inbox = Inbox.objects.create(name="Hotline", channel=Channel.PHONE)
    line = PhoneLine.objects.create(
        inbox=inbox, number=HOTLINE, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN
    )
    servers = ExitStack()
    request.addfinalizer(servers.close)
    twilio = servers.enter_context(contextmanager(serve)(ACCOUNT_SID, AUTH_TOKEN))
    settings.KEFU_TWILIO_API_URL = twilio.url
    settings.KEFU_TRANSCRIBER = f"{__name__}.HearsTheDeliveryText"
    on_commit = request.getfixturevalue("django_capture_on_commit_callbacks")
    return PhoneDriver(line, twilio, run_tasks, on_commit)
