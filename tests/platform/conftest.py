from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import translation


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
