from django.urls import path

from kefu.console.consumers import ConsoleConsumer
from kefu.inboxes.webchat.receiver import ChatConsumer
from kefu.portal.consumers import PortalConsumer

# Same-site sockets: the session cookie authenticates them and the Origin must be ours.
websocket_urlpatterns = [
    path("ws/console/", ConsoleConsumer.as_asgi()),
    path("ws/portal/", PortalConsumer.as_asgi()),
]

# The chat widget runs on other sites: no cookies, and the consumer checks the Origin
# against the inbox's allowed origins itself (kefu/inboxes/webchat/origins.py).
chat_urlpatterns = [
    path("ws/chat/", ChatConsumer.as_asgi()),
]
