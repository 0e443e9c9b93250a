from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from kefu.platform.http import HttpConnector
from tests.platform.reference_server import ReferenceServer, serve


@pytest.fixture(autouse=True)
def _fresh_platform_cache() -> Iterator[None]:
    # Platform context is cached by user id, and the tests reuse ids.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_language_left_behind() -> Iterator[None]:
    # Pages for zh-Hans agents and customers activate that language in this thread (the
    # viewer middleware never deactivates); later tests must not inherit it.
    yield
    translation.deactivate()


@pytest.fixture
def reference() -> Iterator[ReferenceServer]:
    """The HTTP reference implementation of the contract, with its sandbox accounts."""
    yield from serve(ReferenceServer())


@pytest.fixture
def http_connector(settings: Any, reference: ReferenceServer) -> HttpConnector:
    settings.KEFU_PLATFORM_CONNECTOR = "kefu.platform.http.HttpConnector"
    settings.KEFU_PLATFORM_URL = reference.url
    settings.KEFU_PLATFORM_SECRET = reference.secret
    settings.KEFU_PLATFORM_TIMEOUT = 2.0
    return HttpConnector()
