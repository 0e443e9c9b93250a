from django.urls import path

from kefu.inboxes.weibo import receiver

app_name = "weibo"

urlpatterns = [
    path("<id:inbox_id>/", receiver.webhook, name="webhook"),
]
