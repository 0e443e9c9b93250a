from django.urls import path

from kefu.inboxes.webchat import views

app_name = "webchat"

urlpatterns = [
    path("config/", views.config, name="config"),
    path("upload/", views.upload, name="upload"),
    path("offline/", views.offline, name="offline"),
    path("file/<str:token>/", views.attachment_file, name="file"),
    path("demo/", views.demo, name="demo"),
    path("app/", views.app, name="app"),
]
