"""Migration 0003 on the database in use: reversible, and search works before a reindex."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from kefu.helpcenter.search.query import search
from tests.helpcenter.factories import translation

pytestmark = pytest.mark.django_db(transaction=True)


def _old_index_finds(term: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM helpcenter_searchdocument"
                " WHERE vector @@ CAST(%s AS tsquery)",
                [f"'{term}'"],
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM helpcenter_search_fts WHERE helpcenter_search_fts MATCH %s",
                [f'"{term}"'],
            )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_0003_reverses_to_the_previous_index_and_back() -> None:
    translation("fees", "en", "Fees", "Maker rebates.\n\n## Details\n\nSpot trades pay 0.1%.")
    call_command("migrate", "helpcenter", "0002", verbosity=0)
    try:
        # 0002's index is back and holds what the documents kept (title and body).
        assert _old_index_finds("spot")
    finally:
        # Every app: going back to 0002 also took back the apps that depend on the help
        # center (the community's questions name its categories).
        call_command("migrate", verbosity=0)
    # Before a reindex the old documents are searched as they are ...
    assert [result.slug for result in search("spot trades", "en")] == ["fees"]
    assert search("rebates", "en") == []  # the lead went with 0003's columns
    # ... and `kefu helpcenter reindex` brings back the lead and headings.
    call_command("helpcenter", "reindex", stdout=StringIO())
    assert [result.slug for result in search("rebates", "en")] == ["fees"]
