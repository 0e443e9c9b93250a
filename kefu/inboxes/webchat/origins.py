"""Which web pages may open a chat on an inbox.

The widget runs on the operator's other sites (www, the app's webview), so the console's
same-host Origin check cannot apply. Each webchat inbox lists its allowed origins in
`Inbox.config["allowed_origins"]` ("*" allows any); a page on the host the request came
to is always allowed (the demo page, the full-page app mode), as is the public address
(KEFU_SITE_URL). A request without an Origin header is not a browser page embedding us
(browsers always send one on WebSockets and cross-site POSTs), so it is let through:
refusing it would stop nothing a script cannot fake.
"""

from urllib.parse import urlsplit

from kefu.core.public_address import site_url
from kefu.inboxes.models import Inbox


def _normalized(origin: str) -> str:
    parts = urlsplit(origin.strip().lower())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def framing_origins(inbox: Inbox) -> list[str]:
    """Origins whose pages may show the full-page chat in a frame: those that may chat."""
    allowed = inbox.config.get("allowed_origins") or []
    if not isinstance(allowed, list):
        return []
    if "*" in allowed:
        return ["*"]
    return [_normalized(str(entry)) for entry in [site_url(), *allowed]]


def origin_allowed(inbox: Inbox, origin: str | None, host: str = "") -> bool:
    if origin is None:
        return True
    wanted = _normalized(origin)
    if not wanted:
        return False
    if urlsplit(wanted).netloc == host.lower() or wanted == _normalized(site_url()):
        return True
    allowed = inbox.config.get("allowed_origins") or []
    if not isinstance(allowed, list):
        return False
    return "*" in allowed or wanted in {_normalized(str(entry)) for entry in allowed}
