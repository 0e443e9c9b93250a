from django.apps import AppConfig


class WebchatConfig(AppConfig):
    name = "kefu.inboxes.webchat"
    label = "webchat"
    default_auto_field = "django.db.models.BigAutoField"
