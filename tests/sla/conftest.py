"""SLA fixtures: calendar-time policies (business time is tested with the calendars)."""

from collections.abc import Callable
from typing import Any

import pytest

from kefu.sla.models import SlaPolicy


@pytest.fixture
def policy_factory(db: None) -> Callable[..., SlaPolicy]:
    """A policy in calendar time; the shipped defaults are removed so that only the
    policies a test makes apply."""
    SlaPolicy.objects.all().delete()
    count = iter(range(1, 1000))

    def make(**fields: Any) -> SlaPolicy:
        n = next(count)
        fields.setdefault("name", f"Policy {n}")
        fields.setdefault("position", n * 10)
        for name in ("first_response", "next_response", "update", "resolution"):
            fields.setdefault(f"{name}_business", False)
        return SlaPolicy.objects.create(**fields)

    return make


@pytest.fixture
def policy(policy_factory: Callable[..., SlaPolicy]) -> SlaPolicy:
    """First response 30 min, next response 20, updates every 8 h, resolution 3 days."""
    return policy_factory(
        first_response_minutes=30,
        next_response_minutes=20,
        update_minutes=8 * 60,
        resolution_minutes=3 * 24 * 60,
        warn_before_minutes=10,
    )
