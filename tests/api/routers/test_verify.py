import pytest
from django.core.cache import cache
from django.test import Client

from kefu.api.routers.verify import LOOKUPS_PER_IP
from kefu.safety.models import OfficialChannel, OfficialKind

pytestmark = pytest.mark.django_db


def test_verification_needs_no_token_and_answers_each_verdict(client: Client) -> None:
    OfficialChannel.objects.create(kind=OfficialKind.TELEGRAM, value="kefu_support")
    official = client.get("/api/v1/verify", {"q": "@kefu_support"}).json()
    assert (official["verdict"], official["kind"]) == ("official", "telegram")
    impostor = client.get("/api/v1/verify", {"q": "https://t.me/kefu_support_vip"}).json()
    assert (impostor["verdict"], impostor["imitates"]) == ("not_official", "kefu_support")
    assert client.get("/api/v1/verify", {"q": "+1 415 555 0100"}).json()["verdict"] == "unknown"


def test_a_missing_query_is_a_validation_error(client: Client) -> None:
    response = client.get("/api/v1/verify")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_lookups_are_rate_limited_per_ip(client: Client) -> None:
    cache.clear()
    for _ in range(LOOKUPS_PER_IP.attempts):
        assert client.get("/api/v1/verify", {"q": "KF-ZZZZZZ"}).status_code == 200
    throttled = client.get("/api/v1/verify", {"q": "KF-ZZZZZZ"})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
