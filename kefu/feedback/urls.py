from django.urls import path

from kefu.feedback import views, widget

app_name = "feedback"

urlpatterns = [
    # The chat widget's JSON endpoints (two path segments: never taken for a token).
    path("widget/survey/", widget.chat_survey, name="widget_survey"),
    path("widget/answer/", widget.answer, name="widget_answer"),
    path("<str:token>/", views.answer, name="answer"),
]
