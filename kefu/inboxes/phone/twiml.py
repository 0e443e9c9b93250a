"""The IVR's answers to Twilio, one builder per step, with the twilio package's TwiML verbs.

Each menu is a <Gather> whose action is the next step's webhook; `actionOnEmptyResult`
makes Twilio call it on silence too, so that one view decides: ask once more, then take
the default. The attempt travels in the action URL's query (Twilio signs it with the rest).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import TypeAlias

from django.urls import reverse
from django.utils import formats, translation
from twilio.twiml.voice_response import Gather, VoiceResponse

from kefu.core.languages import Language, to_django
from kefu.core.public_address import absolute_url
from kefu.inboxes.phone import prompts
from kefu.inboxes.phone.actions import customer_number, is_e164
from kefu.inboxes.phone.models import Call, PhoneLine, Prompt, PromptKey

# Seconds of silence before a menu counts as unanswered.
MENU_TIMEOUT = 6
# A voicemail longer than this is cut: a message, not a conversation.
VOICEMAIL_SECONDS = 120
# Without hold music, the caller hears silence this long between announcements.
HOLD_PAUSE_SECONDS = 20

Verb: TypeAlias = VoiceResponse | Gather


def url(name: str, line: PhoneLine, **query: object) -> str:
    """The public address of one of this line's IVR webhooks."""
    path = reverse(f"phone:{name}", kwargs={"line_id": line.pk})
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return absolute_url(path)


def queue_name(call: Call) -> str:
    """Twilio's queue for the call's team: one per team, and one for calls with none."""
    return f"team-{call.team_id}" if call.team_id is not None else "team-none"


class Speaker:
    """Says prompts to one caller: the line's edited ones, else the built-in texts."""

    def __init__(self, call: Call, edited: Mapping[tuple[str, str], Prompt]) -> None:
        self.call = call
        self.edited = edited

    def prompt(self, verb: Verb, key: str, language: str, **values: object) -> None:
        edited = self.edited.get((key, language))
        if edited is not None and edited.audio_url:
            verb.play(edited.audio_url)
            return
        if edited is not None and edited.text.strip():
            self._say(verb, prompts.fill(edited.text, values), language)
            return
        self.sentence(verb, prompts.BUILT_IN[key], language, **values)

    def sentence(self, verb: Verb, text: str, language: str, **values: object) -> None:
        self._say(verb, prompts.fill(prompts.translated(text, language), values), language)

    def _say(self, verb: Verb, text: str, language: str) -> None:
        voice = prompts.voice_for(self.call, language)
        verb.say(text, voice=voice.voice, language=voice.say_language)


def _menu(line: PhoneLine, step: str, attempt: int, **gather: object) -> Gather:
    return Gather(
        action=url(step, line, attempt=attempt),
        method="POST",
        num_digits=1,
        timeout=MENU_TIMEOUT,
        action_on_empty_result=True,
        **gather,
    )


def welcome(speaker: Speaker, attempt: int) -> VoiceResponse:
    """Greeting, safety line and language menu, in Chinese then English."""
    call = speaker.call
    chinese = prompts.chinese_for(call)
    response = VoiceResponse()
    menu = _menu(
        call.line,
        "language",
        attempt,
        input="dtmf speech",
        language=prompts.voice_for(call, chinese).speech_language,
        hints=prompts.LANGUAGE_HINTS,
        speech_timeout="auto",
    )
    for language in (chinese, Language.EN):
        if attempt > 1:
            speaker.sentence(menu, prompts.NOT_UNDERSTOOD, language)
        speaker.prompt(menu, PromptKey.WELCOME, language)
    if attempt == 1:
        for language in (chinese, Language.EN):
            speaker.prompt(menu, PromptKey.SAFETY, language)
    response.append(menu)
    return response


def topic_menu(speaker: Speaker, attempt: int) -> VoiceResponse:
    """The safety line in the chosen language (first time), then the topics."""
    language = speaker.call.language
    response = VoiceResponse()
    menu = _menu(
        speaker.call.line,
        "topic",
        attempt,
        input="dtmf speech",
        language=prompts.voice_for(speaker.call, language).speech_language,
        hints=prompts.TOPIC_HINTS[Language(language)],
        speech_timeout="auto",
    )
    if attempt > 1:
        speaker.sentence(menu, prompts.NOT_UNDERSTOOD, language)
    else:
        speaker.prompt(menu, PromptKey.SAFETY, language)
    speaker.prompt(menu, PromptKey.TOPIC_MENU, language)
    response.append(menu)
    return response


def can_call_back(call: Call) -> bool:
    """A callback is offered only where one can be made: to the number that called."""
    return call.line.callback_enabled and is_e164(customer_number(call))


def _spoken_time(moment: datetime, language: str) -> str:
    with translation.override(to_django(language)):
        return formats.date_format(moment, "DATETIME_FORMAT")


def closed(speaker: Speaker, next_open: datetime | None, attempt: int) -> VoiceResponse:
    """Outside service hours: when we open, then voicemail and callback if the line has them."""
    call, line = speaker.call, speaker.call.line
    language = call.language
    response = VoiceResponse()
    if attempt > 1:
        speaker.sentence(response, prompts.NOT_UNDERSTOOD, language)
    else:
        speaker.prompt(response, PromptKey.CLOSED, language)
        if next_open is not None:
            when = _spoken_time(next_open, language)
            speaker.sentence(response, prompts.OPENS_AT, language, when=when)
    if not line.voicemail_enabled and not can_call_back(call):
        speaker.prompt(response, PromptKey.GOODBYE, language)
        response.hangup()
        return response
    menu = _menu(line, "closed", attempt)
    if line.voicemail_enabled:
        speaker.sentence(menu, prompts.VOICEMAIL_OPTION, language)
    if can_call_back(call):
        speaker.sentence(menu, prompts.CALLBACK_OPTION, language)
    response.append(menu)
    return response


def enqueue(speaker: Speaker) -> VoiceResponse:
    """The recording notice when the line records, then the team's queue."""
    call = speaker.call
    response = VoiceResponse()
    if call.line.recording_enabled:
        speaker.prompt(response, PromptKey.RECORDING_NOTICE, call.language)
    return hold(call, response)


def hold(call: Call, response: VoiceResponse | None = None) -> VoiceResponse:
    """On hold in the team's Twilio queue, hearing their place (an agent who did not
    answer puts the caller back here too, in the same place)."""
    response = response or VoiceResponse()
    response.enqueue(
        queue_name(call), wait_url=url("queue-wait", call.line), wait_url_method="POST"
    )
    return response


def waiting(speaker: Speaker, position: int | None, seconds: int | None) -> VoiceResponse:
    """Played in a loop while the caller holds: place, wait, callback offer, music."""
    call, line = speaker.call, speaker.call.line
    language = call.language
    response = VoiceResponse()
    verb: Verb = response
    if can_call_back(call):
        verb = Gather(action=url("queue-choice", line), method="POST", num_digits=1, timeout=1)
        response.append(verb)
    if position is not None:
        speaker.prompt(verb, PromptKey.QUEUE_POSITION, language, position=position)
    if seconds is not None:
        if seconds < 60:
            speaker.sentence(verb, prompts.WAIT_SHORT, language)
        else:
            minutes = round(seconds / 60)
            speaker.sentence(verb, prompts.WAIT_MINUTES, language, minutes=minutes)
    if can_call_back(call):
        speaker.prompt(verb, PromptKey.CALLBACK_OFFER, language)
    if line.hold_music_url:
        verb.play(line.hold_music_url)
    else:
        verb.pause(length=HOLD_PAUSE_SECONDS)
    return response


def callback_confirmed(speaker: Speaker) -> VoiceResponse:
    response = VoiceResponse()
    speaker.prompt(response, PromptKey.CALLBACK_CONFIRMED, speaker.call.language)
    response.hangup()
    return response


def callback_refused(speaker: Speaker, then: str) -> VoiceResponse:
    """Say why, and go back to where the caller was (`then`, a webhook's name)."""
    response = VoiceResponse()
    speaker.sentence(response, prompts.CALLBACK_REFUSED, speaker.call.language)
    response.redirect(url(then, speaker.call.line, attempt=2), method="POST")
    return response


def back_to_queue(line: PhoneLine) -> VoiceResponse:
    response = VoiceResponse()
    response.redirect(url("queue-wait", line), method="POST")
    return response


def voicemail(speaker: Speaker) -> VoiceResponse:
    call = speaker.call
    response = VoiceResponse()
    speaker.prompt(response, PromptKey.VOICEMAIL, call.language)
    response.record(
        action=url("voicemail-done", call.line),
        method="POST",
        max_length=VOICEMAIL_SECONDS,
        play_beep=True,
        finish_on_key="#",
        recording_status_callback=url("recording", call.line, kind="voicemail"),
        recording_status_callback_method="POST",
        recording_status_callback_event="completed absent",
    )
    return response


def goodbye(speaker: Speaker) -> VoiceResponse:
    response = VoiceResponse()
    speaker.prompt(response, PromptKey.GOODBYE, speaker.call.language)
    response.hangup()
    return response


def hang_up() -> VoiceResponse:
    """For a webhook about a call that is over or unknown: nothing more to say."""
    response = VoiceResponse()
    response.hangup()
    return response
