from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "kefu.contacts"
    label = "contacts"
    verbose_name = _("Customers")
    default_auto_field = "django.db.models.BigAutoField"
