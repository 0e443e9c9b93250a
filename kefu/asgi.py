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

from kefu.api.inbound import MAX_FILES as API_FILES_PER_MESSAGE  # noqa: E402
from kefu.console.forms import MAX_FILES_PER_REPLY  # noqa: E402
from kefu.core.body_limits import BodyLimit  # noqa: E402
from kefu.safety.log_redaction import filter_uvicorn_handlers  # noqa: E402
from kefu.websockets import chat_urlpatterns, websocket_urlpatterns  # noqa: E402

# uvicorn started on its own logs request lines through handlers of its own.
filter_uvicorn_handlers()

# The views that take files, by URL name, with the files one request may carry: their
# bodies may be that many attachments long, every other body stays small. A view missing
# here refuses large files (413) rather than accepting any size.
UPLOAD_VIEWS = {
    "webchat:upload": 1,
    "portal:new_ticket": 1,
    "portal:reply": 1,
    "console:reply": MAX_FILES_PER_REPLY,
    "api:post_customer_message_with_files": API_FILES_PER_MESSAGE,
}

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_application, UPLOAD_VIEWS),
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
