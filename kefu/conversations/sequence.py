"""Per-conversation sequence numbers for the messages a customer sees.

A live chat that reconnects asks for everything after the last number it saw. That only
works if numbers become visible in order: the allocating UPDATE locks the conversation
row until the transaction commits (PostgreSQL row lock; SQLite's IMMEDIATE transactions
serialize all writers), so a writer holding N+1 cannot commit before the one holding N.
"""

from django.db import connection

from kefu.conversations.models import Conversation


def next_seq(conversation: Conversation) -> int:
    """Allocate the next number inside the caller's transaction, in one query."""
    return allocate_seqs(conversation, 1)[0]


def allocate_seqs(conversation: Conversation, count: int) -> range:
    """Allocate `count` consecutive numbers inside the caller's transaction, in one query."""
    table = connection.ops.quote_name(Conversation._meta.db_table)
    with connection.cursor() as cursor:
        # UPDATE … RETURNING (PostgreSQL, SQLite ≥ 3.35): one round trip, and the value
        # returned is the one this transaction's row lock protects.
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + %s WHERE id = %s RETURNING last_seq",
            [count, conversation.pk],
        )
        row = cursor.fetchone()
    assert row is not None, "the conversation row exists inside this transaction"
    conversation.last_seq = int(row[0])
    return range(conversation.last_seq - count + 1, conversation.last_seq + 1)
