"""Twilio's requests while agents are rung, and the browser phone's access token.

Each Twilio view is thin: the signature is checked by `twilio_webhook`, the call or
callback is read from the URL Kefu gave Twilio, and one function of dispatch.py answers.
"""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from twilio.twiml.voice_response import VoiceResponse

from kefu.agents.models import Agent
from kefu.core.errors import KefuError
from kefu.inboxes.phone import access_tokens, dispatch
from kefu.inboxes.phone.models import Call, Callback, PhoneLine
from kefu.inboxes.phone.webhooks import TWIML, seconds, twilio_webhook, twiml_response


def _twiml(body: str) -> HttpResponse:
    # dispatch.py's TwiML comes as text (it is also what the dial results hand back).
    return HttpResponse(body, content_type=TWIML)


def _id(request: HttpRequest, name: str) -> int:
    value = request.GET.get(name, "")
    if not value.isdigit():
        raise Http404(f"no {name} id in the URL")
    return int(value)


def _call(request: HttpRequest, line: PhoneLine) -> Call:
    call = (
        Call.objects.select_related("line", "agent", "conversation")
        .filter(pk=_id(request, "call"), line=line)
        .first()
    )
    if call is None:
        raise Http404("no such call on this line")
    return call


def _callback(request: HttpRequest, line: PhoneLine) -> Callback:
    callback = (
        Callback.objects.select_related("call__line", "call__conversation", "agent")
        .filter(pk=_id(request, "callback"), call__line=line)
        .first()
    )
    if callback is None:
        raise Http404("no such callback on this line")
    return callback


@twilio_webhook("agents-connect")
def connect(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    return _twiml(dispatch.connect_twiml(_call(request, line)))


@twilio_webhook("agents-dial-result")
def dial_result(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    return _twiml(
        dispatch.dial_finished(
            _call(request, line),
            dial_status=params.get("DialCallStatus", ""),
            call_status=params.get("CallStatus", ""),
            duration=seconds(params, "DialCallDuration"),
        )
    )


@twilio_webhook("agents-answered")
def agent_answered(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    # The agent's leg: "in-progress" is the moment they pick up; its end is the dial's result.
    call = _call(request, line)
    if params.get("CallStatus") == "in-progress":
        dispatch.agent_picked_up(call)
    return twiml_response(VoiceResponse())


@twilio_webhook("agents-callback-bridge")
def callback_bridge(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    return _twiml(dispatch.bridge_twiml(_callback(request, line)))


@twilio_webhook("agents-callback-leg")
def callback_leg(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    dispatch.agent_leg_ended(_callback(request, line), call_status=params.get("CallStatus", ""))
    return twiml_response(VoiceResponse())


@twilio_webhook("agents-callback-result")
def callback_result(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    return _twiml(
        dispatch.callback_finished(
            _callback(request, line),
            dial_status=params.get("DialCallStatus", ""),
            dial_sid=params.get("DialCallSid", ""),
            duration=seconds(params, "DialCallDuration"),
        )
    )


@twilio_webhook("agents-outbound")
def outbound_bridge(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    return _twiml(dispatch.outbound_dial_twiml(_call(request, line)))


@twilio_webhook("agents-outbound-result")
def outbound_result(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    return _twiml(
        dispatch.outbound_finished(
            _call(request, line),
            dial_status=params.get("DialCallStatus", ""),
            duration=seconds(params, "DialCallDuration"),
        )
    )


@twilio_webhook("agents-browser-voice")
def browser_voice(request: HttpRequest, line: PhoneLine, params: dict[str, str]) -> HttpResponse:
    """The TwiML app's voice URL: a call the agent's browser places from a conversation."""
    try:
        call = dispatch.browser_call(
            line,
            sid=params.get("CallSid", ""),
            caller=params.get("From", ""),
            to=params.get("To", ""),
            conversation_id=params.get("conversation", ""),
        )
    except KefuError as error:
        response = VoiceResponse()
        response.say(error.message)
        response.hangup()
        return _twiml(str(response))
    return _twiml(dispatch.outbound_dial_twiml(call))


def _signed_in_agent(request: HttpRequest) -> Agent | None:
    """A console agent past both sign-in steps (OTPMiddleware installs `is_verified`)."""
    user = request.user
    verified = getattr(user, "is_verified", None)
    if isinstance(user, Agent) and user.is_active and callable(verified) and verified():
        return user
    return None


@require_GET
def token(request: HttpRequest) -> JsonResponse:
    """The browser phone's Voice SDK token, for the signed-in agent only."""
    agent = _signed_in_agent(request)
    if agent is None:
        return JsonResponse({"error": "forbidden", "message": _("Sign in first.")}, status=403)
    line_id = request.GET.get("line", "")
    if line_id and not line_id.isdigit():
        return JsonResponse(
            {"error": "bad_request", "message": _("“line” is a phone line's number id.")},
            status=400,
        )
    try:
        line = access_tokens.browser_line(int(line_id) if line_id else None)
        jwt = access_tokens.access_token(agent, line)
    except KefuError as error:
        return JsonResponse({"error": error.code, "message": error.message}, status=error.status)
    return JsonResponse(
        {
            "token": jwt,
            "identity": dispatch.agent_identity(agent),
            "ttl": access_tokens.TTL_SECONDS,
        }
    )
