"""WSGI entry point: HTTP only, through Django, for a WSGI server such as gunicorn.

`kefu serve` runs kefu.asgi (HTTP and WebSockets in one server); this entry point is
what bench/api_create.py --server gunicorn measures against it. It has no WebSockets,
and request bodies are bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE alone, not by
kefu.asgi's per-view limits.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

application = get_wsgi_application()
