"""The IVR's webhooks are Twilio's only: signed for the public address, handled once."""

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.inboxes.phone import webhooks
from kefu.inboxes.phone.models import Call, PhoneLine, WebhookHit
from tests.inboxes.phone.conftest import twilio_signature

pytestmark = pytest.mark.django_db

Post = Callable[..., Any]
FIELDS = {"CallSid": "CA1", "From": "+8613800138000", "To": "+864001234567"}


def voice_path(line: PhoneLine) -> str:
    return reverse("phone:voice", kwargs={"line_id": line.pk})


def test_a_signed_incoming_call_is_answered_and_logged(
    phone_line: PhoneLine, twilio_post: Post
) -> None:
    response = twilio_post(voice_path(phone_line), FIELDS)
    assert response.status_code == 200
    assert Call.objects.filter(sid="CA1").exists()
    assert WebhookHit.objects.get().status_code == 200


@pytest.mark.parametrize(
    ("signature", "error"),
    [
        ("", "missing signature"),
        ("not-a-signature", "bad signature"),
        # Signed with another account's token.
        (twilio_signature("http://127.0.0.1:8000/x", FIELDS, "0" * 32), "bad signature"),
    ],
)
def test_an_unsigned_or_badly_signed_call_is_refused_and_stores_nothing(
    phone_line: PhoneLine, twilio_post: Post, signature: str, error: str
) -> None:
    response = twilio_post(voice_path(phone_line), FIELDS, signature=signature)
    assert response.status_code == 403
    assert not Call.objects.exists()
    hit = WebhookHit.objects.get()
    assert (hit.status_code, hit.error) == (403, error)


def test_fields_changed_after_signing_are_refused(
    phone_line: PhoneLine, twilio_post: Post, client: Any, settings: Any
) -> None:
    url = settings.SITE_URL.rstrip("/") + voice_path(phone_line)
    signature = twilio_signature(url, FIELDS)
    forged = {**FIELDS, "From": "+8613900139000"}
    response = client.post(voice_path(phone_line), forged, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    assert not Call.objects.exists()


def test_a_public_address_with_a_port_is_what_twilio_signs(
    phone_line: PhoneLine, twilio_post: Post, settings: Any
) -> None:
    settings.SITE_URL = "http://help.example.com:8443"
    assert twilio_post(voice_path(phone_line), FIELDS).status_code == 200
    response = twilio_post(voice_path(phone_line), {**FIELDS, "CallSid": "CA2"})
    (gather,) = ET.fromstring(response.content)
    # The menus send Twilio on to the public address too.
    assert (gather.get("action") or "").startswith("http://help.example.com:8443/phone/twilio/")


def test_behind_a_tls_proxy_the_public_https_address_is_checked(
    phone_line: PhoneLine, client: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://help.example.com"
    path = voice_path(phone_line)
    # The request reaches Django as http://testserver/…, but Twilio signed the https address.
    signed = twilio_signature("https://help.example.com" + path, FIELDS)
    assert client.post(path, FIELDS, HTTP_X_TWILIO_SIGNATURE=signed).status_code == 200
    # Signed for what this process sees (not what Twilio called): refused.
    local = twilio_signature("http://testserver" + path, {**FIELDS, "CallSid": "CA2"})
    response = client.post(path, {**FIELDS, "CallSid": "CA2"}, HTTP_X_TWILIO_SIGNATURE=local)
    assert response.status_code == 403
    assert list(Call.objects.values_list("sid", flat=True)) == ["CA1"]


def test_a_replayed_request_is_handled_once(phone_line: PhoneLine, twilio_post: Post) -> None:
    path = voice_path(phone_line)
    first = twilio_post(path, FIELDS, HTTP_I_TWILIO_IDEMPOTENCY_TOKEN="tok-1")
    again = twilio_post(path, FIELDS, HTTP_I_TWILIO_IDEMPOTENCY_TOKEN="tok-1")
    assert b"<Gather" in first.content
    assert again.status_code == 200
    assert b"<Gather" not in again.content
    call = Call.objects.get()
    assert call.events.count() == 1
    assert WebhookHit.objects.filter(error__startswith="repeated request").count() == 1


def test_a_line_that_does_not_exist_is_not_found(phone_line: PhoneLine, client: Any) -> None:
    path = reverse("phone:voice", kwargs={"line_id": phone_line.pk + 1})
    assert client.post(path, FIELDS).status_code == 404
    assert not Call.objects.exists()


def test_only_post_is_accepted(phone_line: PhoneLine, client: Any) -> None:
    assert client.get(voice_path(phone_line), FIELDS).status_code == 405
    assert not Call.objects.exists()


def test_the_webhook_log_keeps_a_week(phone_line: PhoneLine) -> None:
    now = timezone.now()
    for days in (8, 6):
        WebhookHit.objects.create(
            line=phone_line,
            endpoint="voice",
            token=f"token-{days}",
            received_at=now - timedelta(days=days),
            status_code=200,
        )
    assert webhooks.prune_hits() == "deleted 1 webhook log rows"
    assert list(WebhookHit.objects.values_list("token", flat=True)) == ["token-6"]
    assert webhooks.prune_hits() == ""
