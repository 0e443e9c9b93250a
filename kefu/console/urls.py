from django.urls import path

from kefu.console.views import (
    attachments,
    conversation,
    conversation_actions,
    deflection,
    inbox,
    platform,
    preferences,
    queue,
    safety_alerts,
    sign_in,
)

app_name = "console"

urlpatterns = [
    path("login/", sign_in.login, name="login"),
    path("login/enrol/", sign_in.enrol, name="enrol"),
    path("login/verify/", sign_in.verify, name="verify"),
    path("login/recovery-codes/", sign_in.recovery_codes, name="recovery_codes"),
    path("logout/", sign_in.logout, name="logout"),
    path("", inbox.inbox, name="inbox"),
    path("inbox/", inbox.inbox),
    path("inbox/rows/", inbox.inbox_rows, name="inbox_rows"),
    path("go/", inbox.go, name="go"),
    path("help/deflection/", deflection.deflection_page, name="deflection"),
    path("c/<str:reference>/", conversation.conversation_page, name="conversation"),
    path("c/<str:reference>/header/", conversation.header, name="header"),
    path("c/<str:reference>/timeline/", conversation.timeline, name="timeline"),
    path("c/<str:reference>/details/", conversation.details, name="details"),
    path("c/<str:reference>/reply/", conversation_actions.reply, name="reply"),
    path("c/<str:reference>/note/", conversation_actions.note, name="note"),
    path("c/<str:reference>/freeze/", platform.freeze_account, name="freeze_account"),
    path("c/<str:reference>/assign/", conversation_actions.assign, name="assign"),
    path("c/<str:reference>/status/", conversation_actions.change_status, name="status"),
    path("c/<str:reference>/priority/", conversation_actions.set_priority, name="priority"),
    path("c/<str:reference>/tags/", conversation_actions.set_tags, name="tags"),
    path("c/<str:reference>/merge/", conversation_actions.merge, name="merge"),
    path("c/<str:reference>/transfer/", conversation_actions.transfer, name="transfer"),
    path("queue/", queue.queue, name="queue"),
    path("queue/board/", queue.queue_board, name="queue_board"),
    path("queue/hours/<id:schedule_id>/extended/", queue.extended_hours, name="extended_hours"),
    path("attachments/<id:attachment_id>/", attachments.attachment, name="attachment"),
    path("me/language/", preferences.language, name="language"),
    path("me/availability/", preferences.availability, name="availability"),
    path("safety/alerts/", safety_alerts.alert_list, name="safety_alerts"),
    path(
        "safety/alerts/<id:alert_id>/seen/",
        safety_alerts.acknowledge,
        name="safety_alert_acknowledge",
    ),
]
