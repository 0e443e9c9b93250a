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
        from kefu.conversations import router
        from kefu.core import scheduler
        from kefu.routing import actions, queues

        # conversations cannot import routing (routing imports conversations): it calls
        # these through the router installed here.
        router.install(
            router.Router(
                priority_for=queues.priority_for,
                place_new=queues.place_new,
                slots_changed=actions.rebalance,
            )
        )
        scheduler.register("routing.idle_chats", every=_idle_sweep_interval, run=_sweep_idle_chats)


def _idle_sweep_interval() -> timedelta:
    return timedelta(seconds=settings.KEFU_CHAT_IDLE_SWEEP_SECONDS)


def _sweep_idle_chats() -> str:
    from kefu.routing.actions import sweep_idle_chats

    return sweep_idle_chats().summary()
