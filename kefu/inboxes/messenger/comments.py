"""Comments on the page's posts (the webhook's `feed` changes)."""

import logging
from typing import Any

from kefu.inboxes.messenger.models import FacebookPage

logger = logging.getLogger(__name__)


def handle(page: FacebookPage, value: dict[str, Any]) -> None:
    logger.info("page comment screening not installed")
