"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

# Django must be set up before the consumers (and their models) are imported.
django_application = get_asgi_application()

from django.urls import re_path  # noqa: E402

from kefu.safety.log_redaction import filter_uvicorn_handlers  # noqa: E402
from kefu.websockets import chat_urlpatterns, websocket_urlpatterns  # noqa: E402

# uvicorn started on its own logs request lines through handlers of its own.
filter_uvicorn_handlers()

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(
            [
                *chat_urlpatterns,
                re_path(
                    r"",
                    AllowedHostsOriginValidator(
                        AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
                    ),
                ),
            ]
        ),
    }
)
