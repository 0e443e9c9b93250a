"""The placeholders a canned reply may hold, checked when saved and filled when used.

Syntax: `{{name}}`, spaces inside the braces allowed (`{{ ticket }}`). The set is fixed
and small so an agent's text can be checked at save time: a misspelt name would
otherwise reach a customer as literal braces. A single brace is ordinary text (an
address book entry, a JSON snippet); a double one must be a known placeholder.

    {{customer_name}}    the customer's name, or "customer" in the reply's language
    {{ticket}}           the conversation's number, K-000123
    {{agent_name}}       the display name of the agent sending the reply
    {{agent_id}}         that agent's public id (KF-…), which customers can check
    {{verify_url}}       the public "is this official?" page, filled in with that id
    {{help_center_url}}  the help center's home page
    {{portal_url}}       the customer portal (tickets, progress, downloads)
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation
from kefu.core.languages import Language
from kefu.core.public_address import absolute_url


@dataclass(frozen=True)
class Context:
    """What the placeholders are filled from: one conversation, one agent."""

    conversation: Conversation
    agent: Agent
    language: Language


# Said instead of a name the customer never gave ("Hello customer," reads better in each
# language than an empty name or an email address in a greeting).
_NO_NAME = {Language.ZH_HANS: "用户", Language.ZH_HANT: "用戶", Language.EN: "customer"}


def _verify_url(context: Context) -> str:
    query = urlencode({"q": context.agent.public_id})
    return absolute_url(reverse("portal:verify")) + "?" + query


VARIABLES: dict[str, Callable[[Context], str]] = {
    "customer_name": lambda c: c.conversation.contact.name.strip() or _NO_NAME[c.language],
    "ticket": lambda c: c.conversation.reference,
    "agent_name": lambda c: c.agent.display_name or c.agent.username,
    "agent_id": lambda c: c.agent.public_id,
    "verify_url": _verify_url,
    "help_center_url": lambda c: absolute_url(reverse("help:home")),
    "portal_url": lambda c: absolute_url(reverse("portal:home")),
}

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_STRAY = re.compile(r"\{\{|\}\}")


@dataclass(frozen=True)
class Problems:
    unknown: tuple[str, ...]  # well-formed placeholders whose name is not in VARIABLES
    malformed: tuple[str, ...]  # "{{" or "}}" that does not belong to a placeholder

    def __bool__(self) -> bool:
        return bool(self.unknown or self.malformed)


def problems(text: str) -> Problems:
    """Every placeholder in `text` that rendering could not fill, in order of appearance."""
    unknown = [m.group(0) for m in _PLACEHOLDER.finditer(text) if m.group(1) not in VARIABLES]
    rest = _PLACEHOLDER.sub(" ", text)
    malformed = [_excerpt(rest, m.start()) for m in _STRAY.finditer(rest)]
    return Problems(tuple(dict.fromkeys(unknown)), tuple(dict.fromkeys(malformed)))


def _excerpt(text: str, at: int) -> str:
    # Enough of the neighbourhood for an agent to find the stray braces in a long text.
    return text[max(0, at - 10) : at + 12].strip()


def render(text: str, context: Context) -> str:
    """`text` with every placeholder filled. Never raises, never leaves double braces:
    a reply saved before a placeholder was retired loses that placeholder, not its send."""

    def fill(match: re.Match[str]) -> str:
        value = VARIABLES.get(match.group(1))
        return value(context) if value else ""

    filled = _PLACEHOLDER.sub(fill, text)
    return _STRAY.sub("", filled)


# What the outbound guard reads at save time: a reply as a customer would see it, so a
# request that points at "{{verify_url}}" is judged as one that points at a link.
_SAMPLES: dict[str, Callable[[], str]] = {
    "customer_name": lambda: "Alex",
    "ticket": lambda: "K-000123",
    "agent_name": lambda: "Kefu",
    "agent_id": lambda: "KF-ABC234",
    "verify_url": lambda: absolute_url(reverse("portal:verify")) + "?q=KF-ABC234",
    "help_center_url": lambda: absolute_url(reverse("help:home")),
    "portal_url": lambda: absolute_url(reverse("portal:home")),
}


def as_sent(text: str) -> str:
    """`text` with sample values in its placeholders, as a customer would receive it."""

    def fill(match: re.Match[str]) -> str:
        sample = _SAMPLES.get(match.group(1))
        return sample() if sample else ""

    return _STRAY.sub("", _PLACEHOLDER.sub(fill, text))
