from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "kefu.inboxes.phone"
    label = "phone"
    verbose_name = _("Phone")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler

        scheduler.register("phone.dispatch", every=_dispatch_interval, run=_offer_all)


def _dispatch_interval() -> timedelta:
    # Offers also follow each queued caller and freed agent; this sweep catches the rest.
    return timedelta(seconds=5)


def _offer_all() -> str:
    from kefu.inboxes.phone.dispatch import offer_all

    return offer_all()
