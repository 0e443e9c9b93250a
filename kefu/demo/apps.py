from django.apps import AppConfig


class DemoConfig(AppConfig):
    # An app only so that `kefu demo` is found as its management command.
    name = "kefu.demo"
    label = "demo"
