from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_platform_cache() -> Iterator[None]:
    # Platform context is cached by user id, and the tests reuse ids.
    cache.clear()
    yield
    cache.clear()
