from django.urls import path

from kefu.feedback import views

app_name = "feedback"

urlpatterns = [
    path("<str:token>/", views.answer, name="answer"),
]
