"""Live updates for a signed-in customer on the portal."""

from channels.db import database_sync_to_async

from kefu.contacts.actions import surviving
from kefu.contacts.models import Contact
from kefu.core.consumers import EventConsumer
from kefu.core.events import contact_group
from kefu.portal.session import CONTACT_SESSION_KEY


@database_sync_to_async  # type: ignore[untyped-decorator]  # channels is untyped
def _surviving_contact_id(contact_id: int) -> int | None:
    # After a contact merge the session still names the old contact; events now go to
    # the contact it was merged into.
    contact = Contact.objects.filter(pk=contact_id).first()
    return surviving(contact).pk if contact is not None else None


class PortalConsumer(EventConsumer):
    async def connect(self) -> None:
        session = self.scope.get("session")
        contact_id = session.get(CONTACT_SESSION_KEY) if session is not None else None
        if isinstance(contact_id, int):
            contact_id = await _surviving_contact_id(contact_id)
        if not isinstance(contact_id, int):
            await self.close(code=4401)
            return
        await self.accept()
        await self.join(contact_group(contact_id))
