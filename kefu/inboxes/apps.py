from django.apps import AppConfig


class InboxesConfig(AppConfig):
    name = "kefu.inboxes"
    label = "inboxes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The adapters sit above conversations, whose delivery job therefore cannot import
        # them: they are handed over here, once every app is loaded.
        from kefu.inboxes import registry

        registry.install()
