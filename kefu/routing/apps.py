from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "kefu.routing"
    label = "routing"
    verbose_name = _("Routing and service hours")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kefu.core import scheduler

        scheduler.register("routing.idle_chats", every=_idle_sweep_interval, run=_sweep_idle_chats)


def _idle_sweep_interval() -> timedelta:
    return timedelta(seconds=settings.KEFU_CHAT_IDLE_SWEEP_SECONDS)


def _sweep_idle_chats() -> str:
    from kefu.routing.actions import sweep_idle_chats

    return sweep_idle_chats().summary()
