"""`kefu api_token create`: a token for scripts, printed once, stored as a hash."""

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kefu.agents.models import Agent
from kefu.api.actions import token_hash
from kefu.api.models import ApiToken
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Channel, Inbox
from tests.api.conftest import bearer_client


def create(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", "create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_creates_a_working_token_printed_once_and_stored_as_a_hash(
    agent: Agent, api_inbox: Inbox
) -> None:
    agent.email = "Lin@Example.com"
    agent.save()
    key, note = create("--agent", "lin@example.com", "--name", "crm-sync")
    token = ApiToken.objects.get()
    assert key.startswith("kefu_")
    assert token.key_hash == token_hash(key)
    assert key not in token.key_hash
    assert key != token.prefix
    assert (token.name, token.acts_as, token.inbox) == ("crm-sync", agent, api_inbox)
    assert "shown only this once" in note
    assert key not in note
    assert AuditEntry.objects.get(action="api_token.create").data == {"via": "command line"}
    assert bearer_client(key).get("/api/v1/contacts", {"email": "x@example.com"}).status_code == 200


def test_finds_the_agent_by_username_too(agent: Agent, api_inbox: Inbox) -> None:
    create("--agent", agent.username.upper(), "--name", "report")
    assert ApiToken.objects.get().acts_as == agent


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--agent", "nobody@example.com", "--name", "x"), "No agent has"),
        (("--agent", " ", "--name", "x"), "No agent has"),
        (("--name", " ", "--agent", "AGENT"), "--name must be"),
        (("--agent", "AGENT", "--name", "x", "--inbox", "999999"), "not an active API inbox"),
    ],
)
def test_refuses_bad_input_and_creates_nothing(
    agent: Agent, api_inbox: Inbox, args: tuple[str, ...], message: str
) -> None:
    args = tuple(agent.username if arg == "AGENT" else arg for arg in args)
    with pytest.raises(CommandError, match=message):
        create(*args)
    assert not ApiToken.objects.exists()


def test_several_api_inboxes_need_a_choice(agent: Agent, api_inbox: Inbox) -> None:
    second = Inbox.objects.create(name="Partner", channel=Channel.API)
    with pytest.raises(CommandError, match="choose one with --inbox") as refused:
        create("--agent", agent.username, "--name", "x")
    assert f"{second.pk}: Partner" in str(refused.value)
    create("--agent", agent.username, "--name", "x", "--inbox", str(second.pk))
    assert ApiToken.objects.get().inbox == second


def test_a_deactivated_agent_gets_no_token(
    agent_factory: Callable[..., Agent], api_inbox: Inbox
) -> None:
    gone = agent_factory(is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        create("--agent", gone.username, "--name", "x")
    assert not ApiToken.objects.exists()
