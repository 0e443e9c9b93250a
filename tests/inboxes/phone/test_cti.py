"""A PBX's generic CTI events (Zammad's shape) through the HTTP stack."""

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import Client

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.core.events import agent_group
from kefu.inboxes.phone.models import (
    Call,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
    Provider,
    WebhookHit,
)

pytestmark = pytest.mark.django_db

TOKEN = "pbx-shared-secret-0123456789"
CUSTOMER = "+8613800138000"


@pytest.fixture
def cti_line(phone_line: PhoneLine) -> PhoneLine:
    phone_line.provider = Provider.CTI
    phone_line.cti_token = TOKEN
    phone_line.save()
    return phone_line


class Consoles:
    """Agents' consoles listening on their groups of the real channel layer."""

    def __init__(self, agents: Iterable[Agent]) -> None:
        self.layer = get_channel_layer()
        self.channels: dict[str, str] = {}
        for agent in agents:
            channel = async_to_sync(self.layer.new_channel)()
            async_to_sync(self.layer.group_add)(agent_group(agent.pk), channel)
            self.channels[agent.username] = channel

    def heard(self) -> dict[str, list[str]]:
        """Each console's event kinds since last asked: everything before a marker sent now."""
        result = {}
        for name, channel in self.channels.items():
            async_to_sync(self.layer.send)(channel, {"type": "test.marker"})
            kinds = []
            while (message := async_to_sync(self.layer.receive)(channel))["type"] != "test.marker":
                kinds.append(message["event"]["kind"])
            result[name] = kinds
        return result


@pytest.fixture
def post(
    client: Client, cti_line: PhoneLine, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    def send(
        data: dict[str, Any], *, as_json: bool = False, token: str = TOKEN, **extra: Any
    ) -> Any:
        path = f"/phone/cti/{cti_line.pk}/{token}" if token else f"/phone/cti/{cti_line.pk}/"
        with django_capture_on_commit_callbacks(execute=True):
            if as_json:
                return client.post(path, json.dumps(data), "application/json", **extra)
            return client.post(path, data, **extra)

    return send


def _new_call(call_id: str = "c1", number: str = CUSTOMER, **fields: Any) -> dict[str, Any]:
    return {
        "event": "newCall",
        "direction": "in",
        "from": number,
        "to": "4001234567",
        "callId": call_id,
        **fields,
    }


@pytest.mark.parametrize("written", ["+86 138 0013 8000", "008613800138000", "13800138000"])
def test_every_way_a_pbx_writes_a_number_matches_one_contact(
    post: Callable[..., Any], contact_factory: Any, written: str
) -> None:
    contact = contact_factory()
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value=CUSTOMER)
    response = post(_new_call(number=written))
    assert response.status_code == 200
    call = Call.objects.get(sid="cti:c1")
    assert (call.from_number, call.to_number) == (CUSTOMER, "+864001234567")
    assert call.contact == contact
    assert call.direction == Direction.INBOUND
    assert call.status == CallStatus.RINGING
    assert response.json() == {"call": call.pk, "status": CallStatus.RINGING}


def test_an_outgoing_call_is_matched_by_the_number_dialled(
    post: Callable[..., Any], contact_factory: Any
) -> None:
    contact = contact_factory()
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value=CUSTOMER)
    post({**_new_call(number="201"), "direction": "out", "to": "13800138000"})
    call = Call.objects.get(sid="cti:c1")
    assert (call.direction, call.from_number, call.to_number) == (
        Direction.OUTBOUND,
        "201",
        CUSTOMER,
    )
    assert call.contact == contact


def test_a_call_in_json_rings_answers_and_ends_for_the_agents_concerned_only(
    post: Callable[..., Any], agent_factory: Any
) -> None:
    wang, li, zhao = (agent_factory(username=name) for name in ("wang", "li", "zhao"))
    consoles = Consoles([wang, li, zhao])
    assert post(_new_call(user=["wang", "li"]), as_json=True).status_code == 200
    assert consoles.heard() == {"wang": ["call.ringing"], "li": ["call.ringing"], "zhao": []}
    answer = {"event": "answer", "callId": "c1", "user": "li", "answeringNumber": "201"}
    assert post(answer, as_json=True).status_code == 200
    # The one who took it keeps the pop; the other phone stopped ringing.
    assert consoles.heard() == {"wang": ["call.ended"], "li": ["call.answered"], "zhao": []}
    hangup = {"event": "hangup", "callId": "c1", "cause": "normalClearing"}
    assert post(hangup, as_json=True).status_code == 200
    assert consoles.heard() == {"wang": [], "li": ["call.ended"], "zhao": []}
    call = Call.objects.get(sid="cti:c1")
    assert call.status == CallStatus.COMPLETED
    assert call.agent == li
    assert call.conversation is not None
    assert call.events.get(kind=CallEventKind.ENDED).detail["reason"] == "normalClearing"


def test_form_fields_with_user_list_and_the_answering_agents_phone_number(
    post: Callable[..., Any], agent_factory: Any
) -> None:
    wang = agent_factory(username="wang", phone_number="+8613900139000")
    li = agent_factory(username="li")
    consoles = Consoles([wang, li])
    post({**_new_call(), "user[]": ["wang", "li"]})
    assert (
        post({"event": "answer", "callId": "c1", "answeringNumber": "13900139000"}).status_code
        == 200
    )
    assert Call.objects.get(sid="cti:c1").agent == wang
    assert consoles.heard() == {
        "wang": ["call.ringing", "call.answered"],
        "li": ["call.ringing", "call.ended"],
    }


def test_a_call_nobody_answered_is_missed_and_the_phones_that_rang_are_told(
    post: Callable[..., Any], agent_factory: Any
) -> None:
    wang = agent_factory(username="wang")
    consoles = Consoles([wang])
    post(_new_call(user="wang"))
    post({"event": "hangup", "callId": "c1", "cause": "noAnswer"})
    call = Call.objects.get(sid="cti:c1")
    assert call.status == CallStatus.MISSED
    assert call.conversation is not None
    assert consoles.heard() == {"wang": ["call.ringing", "call.ended"]}


def test_a_repeated_event_changes_nothing_twice(
    post: Callable[..., Any], agent_factory: Any
) -> None:
    wang = agent_factory(username="wang")
    consoles = Consoles([wang])
    post(_new_call(user="wang"))
    assert post(_new_call(user="wang")).json() == {"repeated": True}
    answer = {"event": "answer", "callId": "c1", "user": "wang"}
    post(answer)
    assert post(answer).json() == {"repeated": True}
    call = Call.objects.get(sid="cti:c1")
    kinds = [event.kind for event in call.events.all()]
    assert kinds == [CallEventKind.RINGING, CallEventKind.OFFERED, CallEventKind.ANSWERED]
    assert consoles.heard() == {"wang": ["call.ringing", "call.answered"]}


@pytest.mark.parametrize("token", ["", "wrong-token", TOKEN[:-1]])
def test_a_wrong_or_missing_token_is_refused_and_nothing_is_stored(
    post: Callable[..., Any], cti_line: PhoneLine, token: str
) -> None:
    response = post(_new_call(), token=token)
    assert response.status_code == 403
    assert response.json()["code"] == "bad_token"
    assert not Call.objects.exists()
    hit = WebhookHit.objects.get()
    assert (hit.line, hit.endpoint, hit.status_code) == (cti_line, "cti", 403)


def test_the_token_may_come_in_a_header(post: Callable[..., Any]) -> None:
    assert post(_new_call(), token="", HTTP_X_CTI_TOKEN=TOKEN).status_code == 200
    assert Call.objects.filter(sid="cti:c1").exists()


def test_a_line_without_a_cti_token_takes_no_events(
    post: Callable[..., Any], cti_line: PhoneLine
) -> None:
    cti_line.cti_token = ""
    cti_line.save()
    assert post(_new_call(), token="").status_code == 403
    assert not Call.objects.exists()


@pytest.mark.parametrize("event", ["answer", "hangup"])
def test_an_unknown_call_id_is_a_clear_404_and_nothing_is_stored(
    post: Callable[..., Any], agent_factory: Any, event: str
) -> None:
    agent_factory(username="wang")
    response = post({"event": event, "callId": "nope", "user": "wang"}, as_json=True)
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_call"
    assert "nope" in response.json()["message"]
    assert not Call.objects.exists()


def test_an_answer_by_nobody_known_is_refused_and_the_call_keeps_ringing(
    post: Callable[..., Any],
) -> None:
    post(_new_call())
    response = post({"event": "answer", "callId": "c1", "user": "ghost", "answeringNumber": "9"})
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_agent"
    assert Call.objects.get(sid="cti:c1").status == CallStatus.RINGING
    # Refused, so not claimed: the corrected event goes through.
    assert not WebhookHit.objects.filter(token__endswith=":answer").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"event": "ring", "callId": "c1"}, "ring"),
        ({"event": "newCall", "direction": "in", "from": CUSTOMER, "to": "1"}, "callId"),
        (_new_call(direction="sideways"), "direction"),
        ({"event": "newCall", "callId": "c1", "direction": "in", "to": "1"}, "from"),
        (_new_call(callId="x" * 65), "callId"),
        (_new_call(user=[{"name": "wang"}]), "user"),
    ],
)
def test_a_malformed_event_is_a_clear_400_and_nothing_is_stored(
    post: Callable[..., Any], data: dict[str, Any], field: str
) -> None:
    response = post(data, as_json=True)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_event"
    assert field in response.json()["message"]
    assert not Call.objects.exists()


@pytest.mark.parametrize("body", ["{not json", "[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_refused(
    client: Client, cti_line: PhoneLine, body: str
) -> None:
    response = client.post(f"/phone/cti/{cti_line.pk}/{TOKEN}", body, "application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_event"


def test_an_unknown_line_is_404(client: Client, cti_line: PhoneLine) -> None:
    assert client.post(f"/phone/cti/{cti_line.pk + 1}/{TOKEN}", _new_call()).status_code == 404
