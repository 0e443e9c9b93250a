"""The migration step that creates a full-text index the way each database wants it.

An index's SQL differs per database (an FTS5 table and its triggers on SQLite, a
generated tsvector and a GIN index on PostgreSQL); a migration names both and this runs
the set for the database being migrated.
"""

from collections.abc import Sequence

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def full_text_index(
    *, sqlite: Sequence[str], postgresql: Sequence[str], sqlite_table: str
) -> migrations.RunPython:
    """Run the statements for this database; reversing drops the SQLite FTS5 table and its
    triggers, named `<sqlite_table>_insert`, `_delete` and `_update` (the PostgreSQL
    columns go with the model's table)."""

    def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        statements = {"sqlite": sqlite, "postgresql": postgresql}.get(
            schema_editor.connection.vendor, []
        )
        for statement in statements:
            schema_editor.execute(statement)

    def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "sqlite":
            # The triggers go first: left behind, they would name a missing table, and
            # the next statement that rebuilds or writes the documents' table fails.
            for event in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {sqlite_table}_{event}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {sqlite_table}")

    return migrations.RunPython(create, drop)
