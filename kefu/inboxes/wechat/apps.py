from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeChatConfig(AppConfig):
    name = "kefu.inboxes.wechat"
    label = "wechat"
    verbose_name = _("WeChat")
    default_auto_field = "django.db.models.BigAutoField"
