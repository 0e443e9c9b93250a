"""Reads of guided flows: a run by its token (the reports count their outcomes)."""

import uuid

from django.utils.translation import gettext_lazy as _lazy

from kefu.core.errors import NotFound
from kefu.helpcenter.flows.models import FlowRun

NOT_FOUND_MESSAGE = _lazy("This guided flow was not found.")


def run_by_token(token: str) -> FlowRun:
    try:
        key = uuid.UUID(str(token))
    except ValueError:
        raise NotFound(NOT_FOUND_MESSAGE) from None
    run = FlowRun.objects.select_related("contact", "conversation").filter(token=key).first()
    if run is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return run


def anonymous_run_by_token(token: str) -> FlowRun:
    """A run started without an account (widget, API). A signed-in customer's run shows
    their platform records, so its token alone does not reach it."""
    run = run_by_token(token)
    if run.contact_id is not None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return run
