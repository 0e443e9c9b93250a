"""The agents' side of the line: Twilio's callbacks while an agent is rung, the browser phone."""

from django.urls import path

from kefu.inboxes.phone import dispatch_views as views

urlpatterns = [
    path("token", views.token, name="token"),
    path("<id:line_id>/connect", views.connect, name="connect"),
    path("<id:line_id>/dial-result", views.dial_result, name="dial_result"),
    path("<id:line_id>/answered", views.agent_answered, name="agent_answered"),
    path("<id:line_id>/callback-bridge", views.callback_bridge, name="callback_bridge"),
    path("<id:line_id>/callback-leg", views.callback_leg, name="callback_leg"),
    path("<id:line_id>/callback-result", views.callback_result, name="callback_result"),
    path("<id:line_id>/outbound", views.outbound_bridge, name="outbound_bridge"),
    path("<id:line_id>/outbound-result", views.outbound_result, name="outbound_result"),
    path("<id:line_id>/voice", views.browser_voice, name="browser_voice"),
]
