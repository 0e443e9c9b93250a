"""A PBX's CTI events: the token in the path (as Zammad's generic CTI) or in a header."""

from django.urls import URLPattern, path

from kefu.inboxes.phone import cti_views

urlpatterns: list[URLPattern] = [
    path("<id:line_id>/", cti_views.event, name="cti"),
    path("<id:line_id>/<str:token>", cti_views.event, name="cti_token"),
]
