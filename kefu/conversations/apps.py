from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "kefu.conversations"
    label = "conversations"
    verbose_name = _("Conversations")
    default_auto_field = "django.db.models.BigAutoField"
