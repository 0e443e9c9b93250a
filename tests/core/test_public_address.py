"""One public address for every absolute link: KEFU_SITE_URL, or where `kefu serve` listens.

That `kefu serve` tells its children the port it serves is proven end to end in
tests/core/test_serve.py (a mail sent by its worker).
"""

from typing import Any

import pytest

from kefu.core.public_address import absolute_url, listening_url, site_url


def test_links_are_built_on_the_configured_address(settings: Any) -> None:
    settings.SITE_URL = "https://help.example.com/"
    assert site_url() == "https://help.example.com"
    assert absolute_url("/portal/verify/") == "https://help.example.com/portal/verify/"


def test_a_path_without_its_leading_slash_is_refused(settings: Any) -> None:
    # "https://help.example.comportal/" would be a link to another host.
    with pytest.raises(ValueError, match="starts with '/'"):
        absolute_url("portal/verify/")


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8123, "http://127.0.0.1:8123"),
        ("localhost", 9000, "http://localhost:9000"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),
        ("::", 8000, "http://[::1]:8000"),
        ("::1", 8001, "http://[::1]:8001"),
        ("kefu.internal", 80, "http://kefu.internal:80"),
    ],
)
def test_the_listening_address_is_one_a_browser_on_this_machine_opens(
    host: str, port: int, url: str
) -> None:
    assert listening_url(host, port) == url
