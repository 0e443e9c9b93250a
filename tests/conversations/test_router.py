"""conversations reaches routing only through the router routing installs at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from kefu.contacts.models import IdentityKind
from kefu.conversations import router
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Inbox
from kefu.routing import actions, queues


def test_routing_installs_its_functions_when_the_apps_start() -> None:
    assert router.router() == router.Router(
        priority_for=queues.priority_for,
        place_new=queues.place_new,
        slots_changed=actions.rebalance,
    )


def test_without_routing_a_message_is_refused_and_nothing_is_stored(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(router, "_installed", None)
    inbound = InboundMessage(
        inbox=inbox,
        text="提现没到账",
        identity_kind=IdentityKind.EMAIL,
        identity_value="zhao@example.com",
    )
    with pytest.raises(ImproperlyConfigured, match=r"kefu\.routing"):
        receive_message(inbound)
    assert not Conversation.objects.exists()
