from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "kefu.helpcenter.flows"
    label = "flows"
    verbose_name = "Guided flows"
    default_auto_field = "django.db.models.BigAutoField"
