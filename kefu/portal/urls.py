from django.urls import path

from kefu.portal.views import (
    accounts,
    attachments,
    escalation,
    home,
    identity,
    records,
    security,
    sign_in,
    tickets,
    verify,
)

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("sign-in/", sign_in.request_code, name="sign_in"),
    path("sign-in/code/", sign_in.enter_code, name="sign_in_code"),
    path("sign-in/<str:token>/", sign_in.sign_in_link, name="sign_in_link"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/new/", tickets.new_ticket, name="new_ticket"),
    path("tickets/<str:reference>/", tickets.ticket, name="ticket"),
    path("tickets/<str:reference>/reply/", tickets.reply, name="reply"),
    path("tickets/<str:reference>/escalate/", escalation.escalate, name="escalate"),
    path("tickets/<str:reference>/record.html", records.record_html, name="record_html"),
    path("tickets/<str:reference>/record.txt", records.record_txt, name="record_txt"),
    path(
        "attachments/<id:message_id>/<id:attachment_id>/",
        attachments.attachment,
        name="attachment",
    ),
    path("verify/", verify.verify, name="verify"),
    path("verify/report/", verify.report_impostor, name="report_impostor"),
    path("verify/report/sent/", verify.report_sent, name="report_sent"),
    path("security/", security.security, name="security"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("accounts/link/", accounts.start, name="accounts_link"),
    path("accounts/confirm/", accounts.confirm_link, name="accounts_confirm"),
    path("accounts/unlink/", accounts.unlink_account, name="accounts_unlink"),
    path("identity/", identity.case_list, name="identity_cases"),
    # Public: opened from the notice sent to the old registered email and phone.
    path("identity/cancel/<str:token>/", identity.cancel_by_link, name="verification_cancel"),
    path("identity/cancelled/", identity.cancelled_by_link, name="verification_cancelled"),
    path("identity/<uuid:case_uuid>/", identity.case_detail, name="identity_case"),
    path("identity/<uuid:case_uuid>/change/", identity.request_change, name="identity_change"),
    path("identity/<uuid:case_uuid>/cancel/", identity.cancel, name="identity_cancel"),
    path(
        "identity/<uuid:case_uuid>/checks/<int:check_id>/send/",
        identity.send_code,
        name="identity_send_code",
    ),
    path(
        "identity/<uuid:case_uuid>/checks/<int:check_id>/code/",
        identity.submit_code,
        name="identity_code",
    ),
    path(
        "identity/<uuid:case_uuid>/checks/<int:check_id>/answers/",
        identity.submit_answers,
        name="identity_answers",
    ),
    path(
        "identity/<uuid:case_uuid>/checks/<int:check_id>/documents/",
        identity.upload_documents,
        name="identity_documents",
    ),
    path("security/sign-in-again/", security.sign_in_again, name="security_sign_in_again"),
]
