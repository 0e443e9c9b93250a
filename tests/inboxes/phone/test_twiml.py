"""The TwiML builders' small parts: addresses, queue names, who is offered a callback."""

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from kefu.agents.models import Team
from kefu.core.languages import Language
from kefu.inboxes.phone import twiml
from kefu.inboxes.phone.models import Call, Direction, PhoneLine, Prompt, PromptKey

pytestmark = pytest.mark.django_db


def _call(line: PhoneLine, number: str = "+8613800138000", **fields: Any) -> Call:
    return Call(
        line=line, direction=Direction.INBOUND, from_number=number, language=Language.EN, **fields
    )


def test_webhook_addresses_are_public_and_carry_their_query(
    phone_line: PhoneLine, settings: Any
) -> None:
    settings.SITE_URL = "https://help.example.com"
    assert twiml.url("topic", phone_line, attempt=2) == (
        f"https://help.example.com/phone/twilio/{phone_line.pk}/topic?attempt=2"
    )


def test_one_twilio_queue_per_team_and_one_for_none(phone_line: PhoneLine) -> None:
    team = Team.objects.create(name="Security", slug="security")
    assert twiml.queue_name(_call(phone_line, team=team)) == f"team-{team.pk}"
    assert twiml.queue_name(_call(phone_line)) == "team-none"


@pytest.mark.parametrize(
    ("number", "enabled", "offered"),
    [
        ("+8613800138000", True, True),
        ("+8613800138000", False, False),
        ("anonymous", True, False),
        ("12", True, False),
    ],
)
def test_a_callback_is_offered_only_to_a_number_that_can_be_called(
    phone_line: PhoneLine, number: str, enabled: bool, offered: bool
) -> None:
    phone_line.callback_enabled = enabled
    assert twiml.can_call_back(_call(phone_line, number)) is offered


def test_an_edited_text_gets_the_values_and_the_callers_voice(phone_line: PhoneLine) -> None:
    edited = Prompt(
        line=phone_line, key=PromptKey.QUEUE_POSITION, language=Language.EN, text="#{position}"
    )
    speaker = twiml.Speaker(_call(phone_line), {(edited.key, edited.language): edited})
    root = ET.fromstring(str(twiml.waiting(speaker, position=4, seconds=None)))
    say = root.find("Gather/Say")
    assert say is not None
    assert (say.text, say.get("voice"), say.get("language")) == (
        "#4",
        "Google.en-US-Standard-C",
        "en-US",
    )


def test_a_wait_is_said_in_whole_minutes(phone_line: PhoneLine) -> None:
    speaker = twiml.Speaker(_call(phone_line, "anonymous"), {})
    root = ET.fromstring(str(twiml.waiting(speaker, position=3, seconds=430)))
    assert [say.text for say in root.iter("Say")] == [
        "You are number 3 in the queue.",
        "Your estimated wait is about 7 minutes.",
    ]
    soon = ET.fromstring(str(twiml.waiting(speaker, position=1, seconds=0)))
    assert [say.text for say in soon.iter("Say")][-1] == "An agent will be with you shortly."
