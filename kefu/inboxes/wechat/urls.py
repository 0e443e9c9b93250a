from django.urls import path

from kefu.inboxes.wechat import receiver

app_name = "wechat"

urlpatterns = [
    path("<id:inbox_id>/", receiver.webhook, name="webhook"),
]
