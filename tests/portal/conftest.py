"""Fixtures for the portal tests: a clean rate-limit cache, agent replies, notes."""

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Message, MessageKind
from tests.conftest import portal_client_for


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Rate-limit counters live in the cache; one test's requests must not limit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post_message() -> Callable[..., Message]:
    """A message written straight to the timeline, as the console's actions leave it."""

    def make(
        conversation: Conversation, kind: str, text: str, agent: Agent | None = None
    ) -> Message:
        return Message.objects.create(
            conversation=conversation,
            kind=kind,
            author_agent=agent,
            author_contact=conversation.contact if kind == MessageKind.INBOUND else None,
            text=text,
        )

    return make


def client_reading(contact: Contact, language: str = "en") -> Client:
    """A signed-in portal client of a customer who reads `language`."""
    contact.language = language
    contact.save(update_fields=["language"])
    return portal_client_for(contact)
