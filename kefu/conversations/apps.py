from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "kefu.conversations"
    label = "conversations"
    default_auto_field = "django.db.models.BigAutoField"
