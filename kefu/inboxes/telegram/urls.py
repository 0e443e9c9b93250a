from django.urls import path

from kefu.inboxes.telegram import receiver

app_name = "telegram"

urlpatterns = [
    path("<id:inbox_id>/webhook/", receiver.webhook, name="webhook"),
]
