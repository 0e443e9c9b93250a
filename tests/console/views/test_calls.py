"""The hotline in the console: screen pop, wrap-up, caller log, click-to-call, phone settings."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.agents.models import Agent, CallDevice, Role
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation, MessageKind
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone import actions
from kefu.inboxes.phone.models import Call, CallStatus, Direction, PhoneLine
from kefu.platform.models import DemoAccount
from tests.conftest import verified_client
from tests.inboxes.phone.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.inboxes.phone.twilio_server import serve

pytestmark = pytest.mark.django_db

NUMBER = "+8613800138000"
_sids = iter(range(1, 10**6))


@pytest.fixture
def line(db: None) -> PhoneLine:
    inbox = Inbox.objects.create(name="Hotline", channel=Channel.PHONE)
    return PhoneLine.objects.create(inbox=inbox, number="+864001234567")


@pytest.fixture
def customer(contact_factory: Callable[..., Contact]) -> Contact:
    contact = contact_factory(name="张伟", email="zhang.wei@example.com")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value=NUMBER)
    return contact


def _call(line: PhoneLine, number: str = NUMBER) -> Call:
    return actions.start_call(
        line=line,
        sid=f"CA{next(_sids):032d}",
        direction=Direction.INBOUND,
        from_number=number,
        to_number=line.number,
    )


def _ringing_for(line: PhoneLine, agent: Agent, number: str = NUMBER) -> Call:
    call = _call(line, number)
    call.status = CallStatus.RINGING
    call.agent = agent
    call.save(update_fields=["status", "agent"])
    return call


def _pop(client: Client, call: Call) -> Any:
    return client.get(f"/console/calls/{call.pk}/pop/", headers={"HX-Request": "true"})


def test_the_pop_shows_the_caller_their_conversations_and_the_caller_id_notice(
    line: PhoneLine,
    agent: Agent,
    agent_client: Client,
    customer: Contact,
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(contact=customer)
    ContactIdentity.objects.create(contact=customer, kind=IdentityKind.PLATFORM_USER, value="u-7")
    DemoAccount.objects.create(user_id="u-7", state="locked")
    call = _ringing_for(line, agent)
    response = _pop(agent_client, call)
    assert response.status_code == 200
    html = response.content.decode()
    assert "+86 138 0013 8000" in html
    assert "张伟" in html
    assert "zhang.wei@example.com" in html
    assert f"/console/c/{conversation.reference}/" in html
    assert "u-7" in html  # the platform account
    assert "Locked" in html
    # Caller ID is no proof, said in all three languages whatever the agent reads.
    assert "Caller ID is not proof of identity" in html
    assert "来电号码不能证明来电者身份" in html
    assert "來電號碼不能證明來電者身分" in html
    assert "Incoming call" in html
    assert "call-wrap-up" not in html


def test_an_unknown_caller_is_said_to_be_unknown(
    line: PhoneLine, agent: Agent, agent_client: Client
) -> None:
    html = _pop(agent_client, _ringing_for(line, agent, "anonymous")).content.decode()
    assert "Unknown caller" in html
    assert "anonymous" in html


def test_the_pop_is_only_for_the_calls_agent_or_a_supervisor(
    line: PhoneLine, agent: Agent, agent_factory: Callable[..., Agent]
) -> None:
    call = _ringing_for(line, agent)
    stranger = verified_client(agent_factory(language="en"))
    assert _pop(stranger, call).status_code == 404
    assert stranger.get("/console/calls/999999/pop/").status_code == 404
    supervisor = verified_client(agent_factory(role=Role.SUPERVISOR, language="en"))
    assert _pop(supervisor, call).status_code == 200


def test_notes_during_the_call_go_through_the_conversations_note_action(
    line: PhoneLine, agent: Agent, agent_client: Client, customer: Contact
) -> None:
    call = actions.answered(_ringing_for(line, agent), agent)
    html = _pop(agent_client, call).content.decode()
    assert call.conversation is not None
    note_url = f"/console/c/{call.conversation.reference}/note/"
    assert f'hx-post="{note_url}"' in html
    agent_client.post(note_url, {"text": "asked about W-1042"}, headers={"HX-Request": "true"})
    note = call.conversation.messages.get(kind=MessageKind.NOTE)
    assert note.text == "asked about W-1042"


def test_wrap_up_after_the_call(
    line: PhoneLine, agent: Agent, agent_client: Client, customer: Contact
) -> None:
    call = actions.ended(actions.answered(_ringing_for(line, agent), agent))
    assert "call-wrap-up" in _pop(agent_client, call).content.decode()
    url = f"/console/calls/{call.pk}/wrap-up/"
    refused = agent_client.post(url, {"intent": "fees"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert "Choose the call&#x27;s topic and how it ended." in refused.content.decode()
    call.refresh_from_db()
    assert call.wrapped_up_at is None
    saved = agent_client.post(
        url, {"intent": "fees", "outcome": "follow_up"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    assert "Saved. You can correct it." in saved.content.decode()
    call.refresh_from_db()
    assert (call.wrap_up_intent, call.wrap_up_outcome) == ("fees", "follow_up")


def test_wrap_up_of_a_live_call_is_refused(
    line: PhoneLine, agent: Agent, agent_client: Client
) -> None:
    call = actions.answered(_ringing_for(line, agent), agent)
    response = agent_client.post(
        f"/console/calls/{call.pk}/wrap-up/",
        {"intent": "fees", "outcome": "resolved"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert "still going on" in response.content.decode()


def test_the_caller_log_its_to_do_and_the_nav_badge(
    line: PhoneLine, agent: Agent, agent_client: Client, customer: Contact
) -> None:
    missed = actions.ended(_call(line))
    other = actions.ended(_call(line, "+8613900139000"))
    # The badge is for agents who work the line (and supervisors).
    assert "Missed and not called back" not in agent_client.get("/console/").content.decode()
    agent.answers_calls = CallDevice.PHONE
    agent.save(update_fields=["answers_calls"])
    answered = actions.ended(actions.answered(_call(line, "+8613700137000"), agent))
    page = agent_client.get("/console/calls/").content.decode()
    assert page.count('class="call-row') == 3
    assert "张伟" in page
    assert "2 missed and not called back" in page
    assert 'title="Missed and not called back">2</span>' in page  # the nav's badge
    to_do = agent_client.get("/console/calls/?show=todo").content.decode()
    assert to_do.count('class="call-row') == 2
    assert f"/console/calls/{answered.pk}/seen/" not in to_do
    seen = agent_client.post(f"/console/calls/{missed.pk}/seen/", {"show": "todo"})
    assert seen["Location"] == "/console/calls/?show=todo"
    assert agent_client.get("/console/calls/?show=todo").content.decode().count("call-row") == 1
    agent_client.post("/console/calls/seen/")
    other.refresh_from_db()
    assert other.seen_at is not None
    after = agent_client.get("/console/calls/?show=todo").content.decode()
    assert "Every caller has been called back or seen." in after
    assert "Missed and not called back" not in after


def test_an_unknown_caller_is_linked_to_a_customer_from_the_log(
    line: PhoneLine,
    agent: Agent,
    agent_client: Client,
    conversation_factory: Callable[..., Conversation],
) -> None:
    call = actions.ended(_call(line, "+8613900139000"))
    customers = conversation_factory()
    page = agent_client.get("/console/calls/").content.decode()
    assert f"/console/calls/{call.pk}/link/" in page
    url = f"/console/calls/{call.pk}/link/"
    assert agent_client.post(url, {"reference": ""}).status_code == 400
    assert agent_client.post(url, {"reference": "K-999999"}).status_code == 404
    response = agent_client.post(url, {"reference": customers.reference.lower()})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.contact == customers.contact
    assert AuditEntry.objects.filter(action="call.link_caller", actor=agent).exists()


def test_the_conversation_shows_its_calls_and_a_call_button_per_number(
    line: PhoneLine, agent: Agent, agent_client: Client, customer: Contact
) -> None:
    call = actions.ended(actions.answered(_call(line), agent))
    assert call.conversation is not None
    page = agent_client.get(f"/console/c/{call.conversation.reference}/").content.decode()
    assert 'id="calls-panel"' in page
    assert f"Answered by {agent.display_name}" in page
    assert "Caller ID is not proof of identity" in page
    assert f'action="/console/c/{call.conversation.reference}/call/"' in page
    assert f'name="number" value="{NUMBER}"' in page


def test_click_to_call_dials_only_the_customers_numbers_from_a_configured_line(
    agent_client: Client, customer: Contact, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(contact=customer)
    url = f"/console/c/{conversation.reference}/call/"
    # A number the caller dictated is not one of theirs.
    wrong = agent_client.post(url, {"number": "+8613900139000"})
    assert wrong.status_code == 400
    assert "one of the customer&#x27;s phone numbers" in wrong.content.decode()
    no_line = agent_client.post(url, {"number": NUMBER})
    assert no_line.status_code == 409
    assert "Choose where you answer calls" in no_line.content.decode()


def test_click_to_call_rings_the_agent_then_the_customer_from_the_hotline(
    agent: Agent,
    agent_client: Client,
    customer: Contact,
    conversation_factory: Callable[..., Conversation],
    settings: Any,
) -> None:
    agent.answers_calls = CallDevice.BROWSER
    agent.save(update_fields=["answers_calls"])
    line = PhoneLine.objects.create(
        inbox=Inbox.objects.create(name="Hotline", channel=Channel.PHONE),
        number="+864001234567",
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
    )
    conversation = conversation_factory(contact=customer)
    for twilio in serve(ACCOUNT_SID, AUTH_TOKEN):
        settings.KEFU_TWILIO_API_URL = twilio.url
        calls = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
        twilio.reply(calls, 201, {"sid": "CA9", "account_sid": ACCOUNT_SID, "status": "queued"})
        response = agent_client.post(
            f"/console/c/{conversation.reference}/call/", {"number": NUMBER}
        )
        assert response.status_code == 302
        [request] = twilio.requests_to(calls)
        assert request.form["To"] == [f"client:agent-{agent.public_id}"]
        assert request.form["From"] == [line.number]
    call = Call.objects.get(sid="CA9")
    assert (call.direction, call.to_number, call.conversation) == (
        Direction.OUTBOUND,
        NUMBER,
        conversation,
    )


def test_phone_settings_are_stored_in_e164(agent: Agent, agent_client: Client) -> None:
    page = agent_client.get("/console/me/").content.decode()
    assert 'action="/console/me/phone/"' in page
    response = agent_client.post(
        "/console/me/phone/", {"answers_calls": "phone", "phone_number": "138 0013 8000"}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.answers_calls, agent.phone_number) == (CallDevice.PHONE, NUMBER)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"answers_calls": "phone", "phone_number": "call me"}, "is not a phone number"),
        ({"answers_calls": "phone", "phone_number": ""}, "Give the phone number"),
        ({"answers_calls": "pager", "phone_number": ""}, "Select a valid choice"),
    ],
)
def test_bad_phone_settings_are_refused_with_the_reason(
    agent: Agent, agent_client: Client, data: dict[str, str], error: str
) -> None:
    response = agent_client.post("/console/me/phone/", data)
    assert response.status_code == 422
    assert error in response.content.decode()
    agent.refresh_from_db()
    assert (agent.answers_calls, agent.phone_number) == (CallDevice.NONE, "")


def test_the_browser_phone_loads_only_for_its_agents_and_only_with_a_twilio_line(
    agent_factory: Callable[..., Agent], inbox: Inbox
) -> None:
    browser_agent = agent_factory(language="en", answers_calls=CallDevice.BROWSER)
    client = verified_client(browser_agent)
    before = client.get("/console/calls/")
    assert "twilio" not in before["Content-Security-Policy"]
    assert "phone.js" not in before.content.decode()
    PhoneLine.objects.create(
        inbox=Inbox.objects.create(name="Hotline", channel=Channel.PHONE), number="+8640012345"
    )
    page = client.get("/console/calls/")
    policy = page["Content-Security-Policy"]
    assert "connect-src 'self' https://*.twilio.com wss://*.twilio.com" in policy
    assert "media-src 'self' https://sdk.twilio.com" in policy
    assert "script-src 'self';" in policy  # the SDK is our own static file
    html = page.content.decode()
    assert "console/vendor/twilio.min.js" in html
    assert "console/phone.js" in html
    # Another agent's console, and every page outside the console, stay strict.
    other = verified_client(agent_factory(language="en")).get("/console/calls/")
    assert "twilio" not in other["Content-Security-Policy"]
    assert "twilio" not in Client().get("/portal/")["Content-Security-Policy"]
