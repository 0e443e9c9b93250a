"""Where conversations hands work to routing, without importing it.

routing reads and writes conversations (queues, transfers, idle chats), so it sits above
this app; were conversations to call routing directly, each would import the other.
Instead routing installs its functions here when it starts (RoutingConfig.ready), and
conversations calls them at the two moments routing cares about: a conversation opens,
and an agent's slot or a queued chat changes hands.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from kefu.conversations.models import Conversation, Priority


@dataclass(frozen=True)
class Router:
    # The starting priority of a new conversation with this intent.
    priority_for: Callable[[str], Priority]
    # Place a conversation just opened (team, agent, queue announcement), inside the
    # transaction that stores it, so a refused message leaves nothing queued.
    place_new: Callable[[Conversation], None]
    # Someone's slot or a queued chat changed hands: fill the queues and announce them.
    slots_changed: Callable[[], None]


_installed: Router | None = None


def install(router: Router) -> None:
    global _installed
    _installed = router


def router() -> Router:
    if _installed is None:
        raise ImproperlyConfigured(
            "No router is installed: kefu.routing must be in INSTALLED_APPS."
        )
    return _installed
