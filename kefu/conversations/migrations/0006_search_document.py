import django.db.models.deletion
from django.db import migrations, models

from kefu.core.search.schema import full_text_index

SQLITE = [
    # External content, as the help center's index (helpcenter 0002): the FTS5 table
    # stores only the index; triggers keep it in step with the rows the actions write.
    """CREATE VIRTUAL TABLE conversations_search_fts USING fts5(
        contact_terms, terms, content='conversations_searchdocument',
        content_rowid='conversation_id', tokenize='unicode61')""",
    """CREATE TRIGGER conversations_search_fts_insert AFTER INSERT ON conversations_searchdocument
    BEGIN
        INSERT INTO conversations_search_fts(rowid, contact_terms, terms)
        VALUES (new.conversation_id, new.contact_terms, new.terms);
    END""",
    """CREATE TRIGGER conversations_search_fts_delete AFTER DELETE ON conversations_searchdocument
    BEGIN
        INSERT INTO conversations_search_fts(conversations_search_fts, rowid, contact_terms, terms)
        VALUES ('delete', old.conversation_id, old.contact_terms, old.terms);
    END""",
    """CREATE TRIGGER conversations_search_fts_update AFTER UPDATE ON conversations_searchdocument
    BEGIN
        INSERT INTO conversations_search_fts(conversations_search_fts, rowid, contact_terms, terms)
        VALUES ('delete', old.conversation_id, old.contact_terms, old.terms);
        INSERT INTO conversations_search_fts(rowid, contact_terms, terms)
        VALUES (new.conversation_id, new.contact_terms, new.terms);
    END""",
]
POSTGRESQL = [
    # Built from the segmented words as they are (no text-search parser, which would
    # drop Chinese under a C locale); string_to_array('') is empty, so an empty column
    # adds nothing.
    """ALTER TABLE conversations_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        array_to_tsvector(array_cat(
            string_to_array(contact_terms, ' '), string_to_array(terms, ' ')
        ))
    ) STORED""",
    """CREATE INDEX conversations_searchdocument_vector ON conversations_searchdocument
        USING gin (vector)""",
]


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0005_verbose_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "conversation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="conversations.conversation",
                    ),
                ),
                ("contact_terms", models.TextField(blank=True)),
                ("terms", models.TextField(blank=True)),
            ],
        ),
        full_text_index(sqlite=SQLITE, postgresql=POSTGRESQL, sqlite_table="conversations_search_fts"),
    ]
