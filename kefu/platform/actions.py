"""Writes that go to the platform back end on a customer's behalf."""

from kefu.contacts.models import Contact
from kefu.core import audit
from kefu.platform.connector import AccountStatus, Reason
from kefu.platform.registry import connector
from kefu.platform.selectors import forget, platform_user_id


def freeze_account(
    *, contact: Contact, reason: Reason, actor: object = None
) -> AccountStatus | None:
    """Freeze the contact's platform account now; None when we do not know their account.

    Raises ConnectorError when the back end refuses or is down: the caller must tell a
    person, because a stolen account left open keeps losing funds.
    """
    user_id = platform_user_id(contact)
    if not user_id:
        return None
    status = connector().freeze_account(user_id, reason)
    forget(user_id)
    audit.record(
        actor,
        "platform.freeze",
        contact,
        user_id=user_id,
        reason=reason.code,
        reason_params=dict(reason.params),
    )
    return status
