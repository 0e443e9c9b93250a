"""The caller's side of a Twilio call, under twilio/<line_id>/ (ivr_views.py)."""

from django.urls import path

from kefu.inboxes.phone import ivr_views

urlpatterns = [
    path("voice", ivr_views.voice, name="voice"),
    path("language", ivr_views.language, name="language"),
    path("topic", ivr_views.topic, name="topic"),
    path("closed", ivr_views.closed, name="closed"),
    path("queue-wait", ivr_views.queue_wait, name="queue-wait"),
    path("queue-choice", ivr_views.queue_choice, name="queue-choice"),
    path("voicemail-done", ivr_views.voicemail_done, name="voicemail-done"),
    path("recording", ivr_views.recording, name="recording"),
    path("status", ivr_views.status, name="status"),
]
