"""The connector a deployment configured (`KEFU_PLATFORM_CONNECTOR`, a dotted class path)."""

from django.conf import settings
from django.utils.module_loading import import_string

from kefu.platform.connector import PlatformConnector

DEFAULT_CONNECTOR = "kefu.platform.demo.DemoConnector"


def connector() -> PlatformConnector:
    path = getattr(settings, "KEFU_PLATFORM_CONNECTOR", "") or DEFAULT_CONNECTOR
    instance: PlatformConnector = import_string(path)()
    return instance
