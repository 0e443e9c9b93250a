"""Twilio's webhooks for the caller's side: the menus, the queue, voicemail, call status.

Each view reads Twilio's fields, calls one action and answers with the TwiML of the next
step (twiml.py). A webhook about a call Kefu never heard of stores nothing but its log
line ("unknown call") and is answered with 200, so Twilio does not retry it forever; one
about a call that has ended changes nothing.
"""

from django.http import HttpRequest, HttpResponse
from twilio.twiml.voice_response import VoiceResponse

from kefu.core.languages import Language
from kefu.inboxes.phone import actions, dispatch, prompts, queue, recordings, twiml
from kefu.inboxes.phone.models import Call, Direction, PhoneLine, RecordingKind
from kefu.inboxes.phone.webhooks import log_hit, seconds, twilio_webhook, twiml_response
from kefu.routing.service_hours import service_status

# Twilio's CallStatus values once the call is over.
_FINAL = {"completed", "busy", "no-answer", "failed", "canceled"}
UNKNOWN_CALL = "unknown call"


def _noted() -> HttpResponse:
    """200 and nothing to do: Twilio stops retrying a callback that got a 2xx."""
    return twiml_response(VoiceResponse())


def _attempt(request: HttpRequest) -> int:
    value = request.GET.get("attempt", "1")
    return int(value) if value.isdigit() else 1


def _call(line: PhoneLine, params: dict[str, str], endpoint: str) -> Call | None:
    """The call the webhook is about; None (and a log line) when Kefu never heard of it."""
    call = (
        Call.objects.select_related("line", "contact")
        .filter(line=line, sid=params.get("CallSid", ""))
        .first()
    )
    if call is None:
        log_hit(line, endpoint, 200, UNKNOWN_CALL)
    return call


def _live_call(line: PhoneLine, params: dict[str, str], endpoint: str) -> Call | None:
    call = _call(line, params, endpoint)
    return call if call is not None and call.ended_at is None else None


def _speaker(call: Call) -> twiml.Speaker:
    return twiml.Speaker(call, prompts.overrides(call.line))


@twilio_webhook("voice")
def voice(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    sid = params.get("CallSid", "")
    if not sid:
        log_hit(line, "voice", 400, "no CallSid")
        return HttpResponse("CallSid is required", status=400)
    call = actions.start_call(
        line=line,
        sid=sid,
        direction=Direction.INBOUND,
        from_number=params.get("From", ""),
        to_number=params.get("To", ""),
    )
    if call.ended_at is not None:
        return twiml_response(twiml.hang_up())
    return twiml_response(twiml.welcome(_speaker(call), attempt=1))


@twilio_webhook("language")
def language(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    call = _live_call(line, params, "language")
    if call is None:
        return twiml_response(twiml.hang_up())
    attempt = _attempt(request)
    chinese = prompts.chinese_for(call)
    chosen = prompts.heard_language(
        params.get("Digits", ""), params.get("SpeechResult", ""), chinese
    )
    if chosen is None and attempt < 2:
        return twiml_response(twiml.welcome(_speaker(call), attempt=attempt + 1))
    # Still no choice: the caller's own language when we know it, else Chinese.
    fallback = call.language if call.language in Language.values else chinese
    actions.choose_language(call, chosen or fallback)
    return twiml_response(twiml.topic_menu(_speaker(call), attempt=1))


@twilio_webhook("topic")
def topic(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    call = _live_call(line, params, "topic")
    if call is None:
        return twiml_response(twiml.hang_up())
    attempt = _attempt(request)
    intent = prompts.heard_topic(params.get("Digits", ""), params.get("SpeechResult", ""))
    if intent is None and attempt < 2:
        return twiml_response(twiml.topic_menu(_speaker(call), attempt=attempt + 1))
    status = dispatch.route_caller(call, intent or prompts.OTHER)
    if status.is_open:
        return twiml_response(twiml.enqueue(_speaker(call)))
    return twiml_response(twiml.closed(_speaker(call), status.next_open, attempt=1))


@twilio_webhook("closed")
def closed(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    """The choice outside service hours: 1 voicemail, 2 callback."""
    call = _live_call(line, params, "closed")
    if call is None:
        return twiml_response(twiml.hang_up())
    speaker = _speaker(call)
    digits = params.get("Digits", "")
    if digits == "1" and line.voicemail_enabled:
        return twiml_response(twiml.voicemail(speaker))
    if digits == "2" and line.callback_enabled:
        try:
            actions.request_callback(call)
        except actions.CallbackRefused:
            return twiml_response(twiml.callback_refused(speaker, then="closed"))
        return twiml_response(twiml.callback_confirmed(speaker))
    attempt = _attempt(request)
    if attempt < 2:
        next_open = service_status(call.team).next_open
        return twiml_response(twiml.closed(speaker, next_open, attempt=attempt + 1))
    return twiml_response(twiml.goodbye(speaker))


@twilio_webhook("queue-wait")
def queue_wait(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    call = _live_call(line, params, "queue-wait")
    if call is None:
        return twiml_response(twiml.hang_up())
    wait = queue.wait_for(call)
    return twiml_response(twiml.waiting(_speaker(call), wait.position, wait.seconds))


@twilio_webhook("queue-choice")
def queue_choice(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    """A key pressed on hold: 1 asks for a callback, anything else goes back to waiting."""
    call = _live_call(line, params, "queue-choice")
    if call is None:
        return twiml_response(twiml.hang_up())
    if params.get("Digits", "") != "1":
        return twiml_response(twiml.back_to_queue(line))
    try:
        actions.request_callback(call)
    except actions.CallbackRefused:
        return twiml_response(twiml.callback_refused(_speaker(call), then="queue-wait"))
    return twiml_response(twiml.callback_confirmed(_speaker(call)))


@twilio_webhook("voicemail-done")
def voicemail_done(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    """<Record> finished: the message is left (its audio comes on the recording webhook)."""
    call = _call(line, params, "voicemail-done")
    if call is None:
        return twiml_response(twiml.hang_up())
    actions.left_voicemail(call)
    return twiml_response(twiml.goodbye(_speaker(call)))


@twilio_webhook("recording")
def recording(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    """Twilio holds a recording (a voicemail, or a recorded call): note it for the fetch job.

    Comes after the call has ended, often: a recording is kept whatever the call's state.
    """
    call = _call(line, params, "recording")
    if call is None:
        return _noted()
    status = params.get("RecordingStatus", "completed")
    if status != "completed":
        # No audio to fetch (the caller hung up silent, or Twilio failed): only noted.
        log_hit(line, "recording", 200, f"recording {status[:40]}, nothing to fetch")
        return _noted()
    sid, media_url = params.get("RecordingSid", ""), params.get("RecordingUrl", "")
    if not sid.startswith("RE") or not media_url.startswith("https://"):
        log_hit(line, "recording", 400, "RecordingSid or RecordingUrl missing or not Twilio's")
        return HttpResponse("RecordingSid and an https RecordingUrl are required", status=400)
    voicemail = request.GET.get("kind") == "voicemail"
    kind = RecordingKind.VOICEMAIL if voicemail else RecordingKind.RECORDING
    recordings.recording_arrived(
        call,
        sid=sid,
        kind=kind,
        media_url=media_url,
        duration=seconds(params, "RecordingDuration"),
    )
    return _noted()


@twilio_webhook("status")
def status(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    """Twilio's call status callback: a call that is over is ended (missed if never answered)."""
    call = _call(line, params, "status")
    reason = params.get("CallStatus", "")
    if call is not None and reason in _FINAL:
        dispatch.call_ended(call, duration=seconds(params, "CallDuration"), reason=reason)
    return _noted()
