from django.urls import path

from kefu.console.consumers import ConsoleConsumer
from kefu.portal.consumers import PortalConsumer

websocket_urlpatterns = [
    path("ws/console/", ConsoleConsumer.as_asgi()),
    path("ws/portal/", PortalConsumer.as_asgi()),
]
