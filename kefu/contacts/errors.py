"""Refusals of the contacts app that reach the customer."""

from kefu.core.errors import KefuError


class LinkFailed(KefuError):
    """A link request or code that cannot be used (unknown, expired, used, burnt)."""

    code = "link_failed"
    status = 400
