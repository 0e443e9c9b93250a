"""The reply endpoint's collision precondition: `seen_message_id`, 409 conversation_changed."""

from collections.abc import Callable

from kefu.agents.models import Agent
from kefu.conversations import actions
from kefu.conversations.models import Conversation, MessageKind
from tests.api.conftest import bearer_client


def outbound_by(conversation: Conversation, agent: Agent) -> list[str]:
    messages = conversation.messages.filter(kind=MessageKind.OUTBOUND, author_agent=agent)
    return list(messages.values_list("text", flat=True))


def test_the_api_refuses_with_409_conversation_changed(
    token_for: Callable[..., tuple[object, str]],
    agent: Agent,
    agent_factory: Callable[..., Agent],
    conversation_factory: Callable[..., Conversation],
    api_inbox: object,
) -> None:
    conversation = conversation_factory(inbox=api_inbox, channel="api")
    colleague = agent_factory()
    client = bearer_client(token_for(agent)[1])
    seen = conversation.messages.get().pk
    actions.send_reply(conversation=conversation, agent=colleague, text="已处理")
    path = f"/api/v1/conversations/{conversation.reference}/replies"
    body = {"text": "您好", "seen_message_id": seen}
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conversation_changed"
    assert outbound_by(conversation, agent) == []
    newest = conversation.messages.order_by("-pk").first()
    assert newest is not None
    assert error["missed_message_ids"] == [newest.pk]
    body["seen_message_id"] = newest.pk
    assert client.post(path, body, content_type="application/json").status_code == 201
