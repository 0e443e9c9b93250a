"""/help/flows/: guided flows for the common cases, before a customer contacts a person."""

from django.urls import path

from kefu.helpcenter.flows import views

app_name = "flows"

urlpatterns = [
    path("", views.flow_list, name="list"),
    path("run/<str:token>/", views.flow_run, name="run"),
    path("<slug:intent>/", views.flow_start, name="start"),
]
