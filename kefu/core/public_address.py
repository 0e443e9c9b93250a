"""The address customers reach this site at: the base of every absolute link Kefu writes.

Emails and downloaded records are read away from the site, so their links cannot be
relative, and a request's Host header is not there in a background job (and is the
client's to choose besides). One value answers: KEFU_SITE_URL when the operator sets it;
otherwise `kefu serve` exports the address it listens on to its children, so a server
started on another port writes that port into its links.
"""

import ipaddress

from django.conf import settings

# What a host that listens on every interface is reached at from the machine itself.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def site_url() -> str:
    """The public base address, without a trailing slash: "https://help.example.com"."""
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (as reverse() gives it, starting with "/") on the public address."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url() takes a path that starts with '/', not {path!r}")
    return site_url() + path


def listening_url(host: str, port: int) -> str:
    """The address of a server bound to `host`:`port`, as a browser on this machine writes it."""
    host = _WILDCARD_HOSTS.get(host, host)
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a name, not an address
    return f"http://{host}:{port}"
