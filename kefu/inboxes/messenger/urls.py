from django.urls import path

from kefu.inboxes.messenger import receiver

app_name = "messenger"

urlpatterns = [
    path("<id:inbox_id>/webhook/", receiver.webhook, name="webhook"),
]
