from django.urls import path

from kefu.inboxes.x import receiver

app_name = "x"

urlpatterns = [
    path("<id:inbox_id>/webhook/", receiver.webhook, name="webhook"),
]
