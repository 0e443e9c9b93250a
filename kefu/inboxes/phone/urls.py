"""The phone line's endpoints: Twilio's webhooks, the PBX's CTI events, the agents' phone."""

from django.urls import include, path

app_name = "phone"

urlpatterns = [
    # The IVR, the queue and the caller's side of a call (ivr_views.py).
    path("twilio/<id:line_id>/", include("kefu.inboxes.phone.ivr_urls")),
    # Agents' side: offering calls, callbacks, the browser phone (dispatch_views.py).
    path("agents/", include("kefu.inboxes.phone.dispatch_urls")),
    # A company's own PBX (cti_views.py).
    path("cti/", include("kefu.inboxes.phone.cti_urls")),
]
