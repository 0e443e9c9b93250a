from django.apps import AppConfig


class InboxesConfig(AppConfig):
    name = "kefu.inboxes"
    label = "inboxes"
    default_auto_field = "django.db.models.BigAutoField"
