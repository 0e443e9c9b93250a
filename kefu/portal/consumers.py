"""Live updates for a signed-in customer on the portal."""

from kefu.core.consumers import EventConsumer
from kefu.core.events import contact_group
from kefu.portal.session import CONTACT_SESSION_KEY


class PortalConsumer(EventConsumer):
    async def connect(self) -> None:
        session = self.scope.get("session")
        contact_id = session.get(CONTACT_SESSION_KEY) if session is not None else None
        if not isinstance(contact_id, int):
            await self.close(code=4401)
            return
        await self.accept()
        await self.join(contact_group(contact_id))
