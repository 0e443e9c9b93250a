"""Turning a voicemail or a voice note into text: an interface, and no transcriber unless
one is configured (the phone line's voicemails, Telegram's and WeChat's voice notes).

KEFU_TRANSCRIBER names a class (a dotted path) whose instances transcribe; empty
(the default) means none, so that nothing downloads a speech model or sends a caller's
voice to a third party unless an administrator chose to. A transcript is customer text:
it reaches the conversation through receive_message, whose secret scanner redacts a
recovery phrase read out on the voicemail like one typed in a chat.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Transcriber(Protocol):
    def transcribe(self, audio: bytes, content_type: str, language: str) -> str:
        """The words spoken in `audio`; `language` is the caller's (BCP 47), or ""."""
        ...


def transcriber() -> Transcriber | None:
    """The configured transcriber, or None when there is none."""
    path = settings.KEFU_TRANSCRIBER
    if not path:
        return None
    factory: type[Transcriber] = import_string(path)
    return factory()


def transcript(audio: bytes, content_type: str, language: str) -> str:
    """The recording's text, or "" when there is no transcriber or it failed.

    A transcriber that fails (a service down, a model that crashes) costs the text only:
    the voicemail is stored all the same and an agent listens to it.
    """
    try:
        engine = transcriber()
        return engine.transcribe(audio, content_type, language).strip() if engine else ""
    except Exception:  # a misconfigured path too: the setting's mistake is logged, not fatal
        logger.exception("transcription failed; the voicemail is kept without its text")
        return ""
