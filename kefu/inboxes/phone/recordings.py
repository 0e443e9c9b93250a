"""Fetching voicemails and call recordings from Twilio into the call's conversation.

Twilio's recording webhook only says that a recording exists (a Recording row, PENDING,
due now). A job downloads it through the REST API and stores it as an attachment: a
voicemail as the caller's message (with its transcript, screened for secrets like any
text the customer sends), a call recording as an internal note for agents. Twilio is
often still processing when it first says so (404), so a failed attempt is retried with
back-off; after the last one the conversation says the recording could not be fetched,
so that nothing is lost without a trace.

The address is always built from the line's account and the recording's sid, never
taken from the webhook: a forged MediaUrl cannot make the server fetch anything else.
"""

import logging
import re
from datetime import datetime, timedelta
from functools import partial

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kefu.conversations.actions import add_system_note, receive_message
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.models import Message
from kefu.conversations.tasks import retry_delay
from kefu.core import http_client
from kefu.core.errors import KefuError
from kefu.core.languages import in_language
from kefu.core.transcription import transcript
from kefu.inboxes.phone import actions
from kefu.inboxes.phone.models import (
    Call,
    CallEventKind,
    Recording,
    RecordingKind,
    RecordingStatus,
)
from kefu.inboxes.phone.twilio_api import TIMEOUT, api_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
AUDIO_TYPE = "audio/mpeg"
# How long an attempt (or a job waiting in the queue) holds a recording before the sweep
# may queue it again: a worker that died mid-download is replaced after this.
LEASE = timedelta(minutes=5)
SWEEP_EVERY = timedelta(seconds=30)
# Twilio's recording sids; anything else could walk the API path (".." and the like).
_RECORDING_SID = re.compile(r"^RE[0-9a-fA-F]{32}$")


class FetchFailed(Exception):
    """A download that did not bring the audio; `final` when trying again cannot help."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


def media_path(account_sid: str, sid: str, extension: str = "mp3") -> str:
    if not _RECORDING_SID.match(sid):
        raise FetchFailed(f"not a Twilio recording sid: {sid[:40]!r}", final=True)
    return f"/2010-04-01/Accounts/{account_sid}/Recordings/{sid}.{extension}"


def download(recording: Recording) -> bytes:
    """The recording's MP3, read no further than the attachment size limit."""
    line = recording.call.line
    url = api_url(media_path(line.account_sid, recording.sid))
    limit = settings.KEFU_MAX_ATTACHMENT_BYTES
    too_large = FetchFailed(f"larger than the attachment limit of {limit} bytes", final=True)
    try:
        with http_client.client().stream(
            "GET", url, auth=(line.account_sid, line.auth_token), timeout=TIMEOUT
        ) as response:
            if response.status_code != 200:
                # 404 while Twilio is still processing, 5xx during its outages, 401 until
                # the line's credentials are put right: each may pass, so each is retried.
                raise FetchFailed(f"Twilio answered HTTP {response.status_code}")
            if int(response.headers.get("Content-Length") or 0) > limit:
                raise too_large
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > limit:
                    raise too_large
    except httpx.HTTPError as error:
        raise FetchFailed(f"{type(error).__name__}: {error}") from error
    return bytes(content)


def delete_from_twilio(recording: Recording) -> bool:
    """Delete Twilio's copy of a stored recording; False (logged) when Twilio refused.

    Not retried: the audio is safe in Kefu, and a copy left on Twilio is only a cost.
    """
    line = recording.call.line
    url = api_url(media_path(line.account_sid, recording.sid, "json"))
    try:
        response = httpx.delete(url, auth=(line.account_sid, line.auth_token), timeout=TIMEOUT)
    except httpx.HTTPError as error:
        logger.warning("recording %s stays on Twilio: %s", recording.sid, error)
        return False
    if response.status_code not in (204, 404):
        logger.warning("recording %s stays on Twilio: HTTP %s", recording.sid, response.status_code)
        return False
    return True


def _duration(seconds: int | None) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds is not None else ""


def _label(recording: Recording) -> str:
    duration = _duration(recording.duration)
    if recording.kind == RecordingKind.VOICEMAIL:
        if not duration:
            return _("Voicemail")
        return _("Voicemail (%(duration)s)") % {"duration": duration}
    if not duration:
        return _("Call recording")
    return _("Call recording (%(duration)s)") % {"duration": duration}


def _store(recording: Recording, audio: bytes) -> Message:
    """The audio on the call's conversation, in one transaction with the recording's status."""
    call = recording.call
    voicemail = recording.kind == RecordingKind.VOICEMAIL
    text = transcript(audio, AUDIO_TYPE, call.language) if voicemail else ""
    label = in_language(call.language, lambda: _label(recording))
    file = InboundAttachment(
        filename=f"{recording.kind}-{recording.sid}.mp3", content_type=AUDIO_TYPE, content=audio
    )
    # Before the transaction: a refused file must not roll back (and leave this call
    # pointing at) a conversation that the failure's note then goes to.
    conversation = actions.open_conversation(call, "voicemail" if voicemail else "call")
    with transaction.atomic():
        if voicemail:
            message = receive_message(
                InboundMessage(
                    inbox=call.line.inbox,
                    conversation=conversation,
                    contact=conversation.contact,
                    text=f"{label}\n\n{text}" if text else label,
                    attachments=(file,),
                    # A second job for the same recording finds this message again.
                    external_id=f"recording:{recording.sid}",
                    language=call.language,
                )
            )
        else:
            message = add_system_note(conversation=conversation, text=label, files=(file,))
        recording.status = RecordingStatus.STORED
        recording.message = message
        recording.error = ""
        recording.next_attempt_at = None
        recording.save(update_fields=["status", "message", "error", "next_attempt_at"])
        actions.record_event(
            call, CallEventKind.RECORDING, recording=recording.kind, duration=recording.duration
        )
    return message


def _give_up(recording: Recording, error: str) -> None:
    """No more attempts: the recording is FAILED and the conversation says so."""
    call = recording.call
    voicemail = recording.kind == RecordingKind.VOICEMAIL

    def failure() -> str:
        if voicemail:
            text = _(
                "The voicemail %(sid)s could not be fetched from Twilio (%(error)s). "
                "It stays in the Twilio console until it is deleted there."
            )
        else:
            text = _(
                "The call recording %(sid)s could not be fetched from Twilio (%(error)s). "
                "It stays in the Twilio console until it is deleted there."
            )
        return text % {"sid": recording.sid, "error": error}

    note = in_language(call.language, failure)
    conversation = actions.open_conversation(call, "voicemail" if voicemail else "call")
    with transaction.atomic():
        add_system_note(conversation=conversation, text=note)
        recording.status = RecordingStatus.FAILED
        recording.error = error[:300]
        recording.next_attempt_at = None
        recording.save(update_fields=["status", "error", "next_attempt_at"])
        actions.record_event(
            call, CallEventKind.RECORDING_FAILED, recording=recording.kind, error=error[:300]
        )


def _claim(recording: Recording) -> bool:
    """Count the attempt before it is made; False when another worker took this one.

    The lease keeps the sweep from queueing the recording again while it is fetched; a
    worker that dies leaves the attempt counted and the recording due once it lapses.
    """
    claimed = Recording.objects.filter(
        pk=recording.pk, status=RecordingStatus.PENDING, attempts=recording.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=timezone.now() + LEASE)
    if not claimed:
        return False
    recording.attempts += 1
    return True


def fetch(recording: Recording) -> str:
    """One attempt at fetching `recording`; its status afterwards."""
    if recording.status != RecordingStatus.PENDING:
        return str(recording.status)  # a duplicate job: the first one decided
    if recording.attempts >= MAX_ATTEMPTS:
        # Only a worker that died during the last attempt leaves a job to come here.
        _give_up(recording, "the worker of the last attempt stopped")
        return RecordingStatus.FAILED
    if not _claim(recording):
        return RecordingStatus.PENDING
    try:
        _store(recording, download(recording))
    except FetchFailed as failure:
        error = str(failure)
        if failure.final or recording.attempts >= MAX_ATTEMPTS:
            _give_up(recording, error)
            return RecordingStatus.FAILED
        Recording.objects.filter(pk=recording.pk).update(
            error=error[:300], next_attempt_at=timezone.now() + retry_delay(recording.attempts)
        )
        logger.warning("recording %s will be fetched again: %s", recording.sid, error)
        return RecordingStatus.PENDING
    except KefuError as refusal:
        # Fetched but refused (not MP3 after all, say): trying again brings the same bytes.
        _give_up(recording, str(refusal))
        return RecordingStatus.FAILED
    if settings.KEFU_PHONE_DELETE_RECORDINGS:
        delete_from_twilio(recording)
    return RecordingStatus.STORED


@task()
def fetch_recording(recording_id: int) -> str:
    recording = Recording.objects.select_related("call__line__inbox").get(pk=recording_id)
    return fetch(recording)


def queue_due(now: datetime | None = None) -> int:
    """Queue a job for every recording due an attempt; the number queued.

    Each is leased as it is queued, so a sweep that runs again before the job does
    queues it once.
    """
    now = now or timezone.now()
    due = list(
        Recording.objects.filter(
            status=RecordingStatus.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    return sum(_queue(recording_id, now) for recording_id in due)


def _queue(recording_id: int, now: datetime) -> bool:
    """Lease a due recording and queue its job on commit; False when it is not due."""
    leased = Recording.objects.filter(
        pk=recording_id, status=RecordingStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if leased:
        transaction.on_commit(partial(fetch_recording.enqueue, recording_id))
    return bool(leased)


def recording_arrived(
    call: Call, *, sid: str, kind: str, media_url: str, duration: int | None
) -> Recording:
    """Twilio reported a recording: note it and fetch it now rather than at the next sweep."""
    with transaction.atomic():
        recording = actions.recording_received(
            call, sid=sid, kind=kind, media_url=media_url, duration=duration
        )
        _queue(recording.pk, timezone.now())
    return recording


def sweep() -> str:
    queued = queue_due()
    return f"queued {queued} recording(s)" if queued else ""
