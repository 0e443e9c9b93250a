from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeiboConfig(AppConfig):
    name = "kefu.inboxes.weibo"
    label = "weibo"
    verbose_name = _("Weibo")
    default_auto_field = "django.db.models.BigAutoField"
