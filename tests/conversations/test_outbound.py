"""The delivery job finds a channel's deliverer among those installed at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from kefu.conversations import outbound
from kefu.conversations.models import Message


def _email(message: Message) -> None: ...


def _portal(message: Message) -> None: ...


@pytest.fixture
def nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    # The apps installed the real adapters at start-up; these tests install their own.
    monkeypatch.setattr(outbound, "_deliverers", {})
    monkeypatch.setattr(outbound, "_fallback", None)


@pytest.mark.usefixtures("nothing_installed")
def test_an_installed_deliverer_serves_its_channel_and_the_fallback_the_others() -> None:
    outbound.install({"email": _email}, fallback=_portal)
    assert (outbound.deliverer_for("email"), outbound.deliverer_for("phone")) == (_email, _portal)


@pytest.mark.usefixtures("nothing_installed")
def test_a_second_install_replaces_the_first() -> None:
    outbound.install({"email": _email}, fallback=_portal)
    outbound.install({}, fallback=_portal)
    assert outbound.deliverer_for("email") is _portal


@pytest.mark.usefixtures("nothing_installed")
def test_with_nothing_installed_delivery_says_what_is_missing() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"kefu\.inboxes"):
        outbound.deliverer_for("email")
