"""The mailbox admin: credentials can be set and replaced, never read back."""

from collections.abc import Callable
from typing import Any

import pytest

from kefu.agents.models import Agent, Role
from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.models import Channel, Inbox
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

SECRET = "imap-S3cret-value"


def _form(inbox: Inbox, **changes: Any) -> dict[str, Any]:
    data = {
        "inbox": inbox.pk,
        "address": "support@kefu.example",
        "display_name": "Support",
        "imap_host": "imap.example.com",
        "imap_port": 993,
        "imap_ssl": "on",
        "imap_user": "support",
        "imap_password": SECRET,
        "imap_folder": "INBOX",
        "mark_seen": "on",
        "smtp_host": "",
        "smtp_port": 587,
        "smtp_user": "",
        "smtp_password": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_passwords_are_write_only(agent_factory: Callable[..., Agent]) -> None:
    client = verified_client(agent_factory(role=Role.ADMIN, is_superuser=True))
    inbox = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    added = client.post("/admin/mail/mailbox/add/", _form(inbox))
    assert added.status_code == 302, added.content.decode()[:2000]
    mailbox = Mailbox.objects.get()
    assert mailbox.imap_password == SECRET
    page = client.get(f"/admin/mail/mailbox/{mailbox.pk}/change/").content.decode()
    assert SECRET not in page
    # Saving with the field left empty keeps the stored password.
    kept = client.post(f"/admin/mail/mailbox/{mailbox.pk}/change/", _form(inbox, imap_password=""))
    assert kept.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_password == SECRET
    client.post(f"/admin/mail/mailbox/{mailbox.pk}/change/", _form(inbox, imap_password="new-one"))
    mailbox.refresh_from_db()
    assert mailbox.imap_password == "new-one"
