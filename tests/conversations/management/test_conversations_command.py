"""`kefu conversations reindex` rebuilds the search index, saying how far it got."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kefu.conversations.models import SearchDocument
from kefu.conversations.search.query import search_queryset
from kefu.conversations.selectors import InboxFilters

pytestmark = pytest.mark.django_db


def test_reindex_rebuilds_a_lost_index(conversation_factory, agent) -> None:
    made = [conversation_factory(text=f"我的提现还没到账 {n}") for n in range(3)]
    SearchDocument.objects.all().delete()
    assert not search_queryset(agent, InboxFilters(), "提现").exists()
    out = StringIO()
    call_command("conversations", "reindex", stdout=out)
    assert "3/3 conversations" in out.getvalue()
    assert "Indexed 3 conversations." in out.getvalue()
    found = set(search_queryset(agent, InboxFilters(), "提现").values_list("pk", flat=True))
    assert found == {c.pk for c in made}


def test_an_unknown_subcommand_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("conversations", "export")
