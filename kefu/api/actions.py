"""API tokens: issued and revoked by administrators only, and their use recorded."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.agents.permissions import require_role
from kefu.api.models import ApiToken
from kefu.core import audit
from kefu.inboxes.models import Channel, Inbox

TOKEN_PREFIX = "kefu_"


def token_hash(key: str) -> str:
    # Tokens are long random strings, so a fast unsalted hash is enough (unlike passwords).
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(*, actor: Agent, name: str, inbox: Inbox, acts_as: Agent) -> tuple[ApiToken, str]:
    """Return the token row and the token itself, which is never retrievable again."""
    require_role(actor, Role.ADMIN)
    return _issue(actor, name=name, inbox=inbox, acts_as=acts_as)


def create_token_for_operator(*, name: str, inbox: Inbox, acts_as: Agent) -> tuple[ApiToken, str]:
    """Issue a token from the server's command line (`kefu api_token create`).

    Whoever runs commands on the server already holds the database, so no admin agent is
    asked for; the audit log records the system as the actor, and the agent the token
    acts as must still be an active one.
    """
    if not acts_as.is_active:
        raise ValueError(f"{acts_as.username} is deactivated; a token cannot act as them.")
    if not inbox.is_active or inbox.channel != Channel.API:
        raise ValueError(f"inbox {inbox.pk} is not an active API inbox.")
    return _issue(None, name=name, inbox=inbox, acts_as=acts_as, via="command line")


def _issue(
    actor: Agent | None, *, name: str, inbox: Inbox, acts_as: Agent, **audit_data: str
) -> tuple[ApiToken, str]:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name, prefix=key[:12], key_hash=token_hash(key), inbox=inbox, acts_as=acts_as
        )
        audit.record(actor, "api_token.create", token, **audit_data)
    return token, key


def revoke_token(*, actor: Agent, token: ApiToken) -> None:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "api_token.revoke", token)


# A token is used on every request of an integration; recording each use would add a write
# (and, on SQLite, a turn at the single write lock) to every read. A minute is precise
# enough to tell an administrator which integrations are still alive.
LAST_USED_PRECISION = timedelta(minutes=1)


def record_token_use(token: ApiToken) -> None:
    """Note that `token` was used now, at most once a minute per token."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    # The condition is repeated in SQL so that several app processes seeing the same stale
    # value write once between them, not once each.
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    token.last_used_at = now
