"""The widget's words, translated by Django and shipped to the script as JSON.

Placeholders are named (%(position)s); the script fills them by name, so a translation
may put them anywhere in the sentence.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WIDGET_STRINGS: dict[str, Promise] = {
    "title": _("Chat with support"),
    "open": _("Open the support chat"),
    "close": _("Close the chat"),
    "topic_prompt": _("What do you need help with?"),
    "email_label": _("Email (optional, for replies and the transcript)"),
    "start": _("Start the chat"),
    "message_label": _("Your message"),
    "send": _("Send"),
    "attach": _("Attach an image or PDF"),
    "typing": _("The agent is typing…"),
    "sending": _("Sending…"),
    "waiting_network": _("Waiting for the connection; it will be sent automatically."),
    "delivered": _("Delivered"),
    "not_sent": _("Not sent"),
    "read": _("Read"),
    "you": _("You"),
    "support": _("Kefu support"),
    "queue_position": _("You are number %(position)s in the queue."),
    "estimated_wait": _("Estimated wait: about %(minutes)s min."),
    "no_agents": _("No agent is online at the moment; we will answer as soon as one is."),
    "wait_soon": _("Estimated wait: less than a minute."),
    "wait_manual": _("An agent will take your chat from the queue."),
    "wait_closed": _("We are outside service hours; an agent will answer when we open."),
    "wait_closed_until": _(
        "We are outside service hours; an agent will answer when we open at %(time)s."
    ),
    "agent_joined": _("%(name)s (agent id %(agent_id)s) is helping you."),
    "reconnecting": _("Connection lost. Reconnecting…"),
    "closed": _("This chat has ended."),
    "offline_title": _("We are outside service hours"),
    "offline_intro": _(
        "Leave a message and your email: we will reply by email and on the help center."
    ),
    "next_open": _("We are back at %(time)s."),
    "offline_email": _("Your email"),
    "offline_send": _("Leave the message"),
    "offline_sent": _("Thank you. Your ticket number is %(reference)s."),
    "case_link": _(
        "Case %(reference)s: follow its progress, or ask for a higher team, on the help center."
    ),
    "transcript_email_label": _("Email for the transcript"),
    "transcript": _("Email me the transcript"),
    "transcript_code_sent": _(
        "We sent a code to %(email)s. Enter it here and the transcript goes to that address."
    ),
    "transcript_code_label": _("Code from the email"),
    "transcript_confirm": _("Confirm and send"),
    "transcript_other_address": _("Use another address"),
    "transcript_sent": _("The transcript is on its way."),
    "safety_notice": _(
        "We will never ask for your password, recovery phrase, private key or verification codes."
    ),
    "help_search": _("Search the help center"),
    "help_results": _("Articles found: %(count)s"),
    "help_none": _("No articles found. Try other words, or start the chat."),
    "flow_offer": _("Check my case first"),
    "flow_next": _("Continue"),
    # The chat is the channel here: the answer comes in it, no address is needed.
    "flow_handoff": _(
        "Start the chat to pass this to an agent: what you told us goes with your first "
        "message, and the agent answers you here, in this chat."
    ),
    "talk_to_agent": _("Talk to an agent"),
    "still_need_help": _("I still need help: talk to an agent"),
    "new_message": _("New message from support"),
    # Said by screen readers when a message arrives while the chat is closed.
    "announce_message": _("New message from %(name)s: %(text)s"),
    # The satisfaction survey, shown in the chat once the case is resolved.
    "survey_title": _("How did we do?"),
    "survey_rating": _("Your rating of the help you got"),
    "survey_star": _("%(count)s of 5 stars"),
    "survey_comment": _("Comment (optional)"),
    "survey_outside": _("Did anyone contact you outside our official channels about this case?"),
    "survey_yes": _("Yes"),
    "survey_no": _("No"),
    "survey_send": _("Send my rating"),
    "survey_thanks": _("Thank you for your rating."),
    "survey_change": _("Change my answer"),
    "survey_outside_warning": _(
        "Thank you for telling us. Whoever contacted you outside our official channels was "
        "not us: do not send them money, codes or your recovery phrase."
    ),
    "survey_report": _("Report the impostor"),
    "error": _("Something went wrong. Please try again."),
    "error_message_too_long": _("The message is too long."),
    "error_attachment_rejected": _(
        "This file is too large to send: files can be at most %(limit)s."
    ),
    # The server refused the upload's size before reading it: the same words for the customer.
    "error_request_too_large": _("This file is too large to send: files can be at most %(limit)s."),
    "error_unsupported_media_type": _(
        "This type of file cannot be sent: images, PDF and plain text files only."
    ),
    "error_rate_limited": _("You are sending messages too fast. Please wait a moment."),
    "error_bad_email": _("Please enter a valid email address."),
    "error_bad_code": _("That code is not correct. Please check the email and try again."),
    "error_code_expired": _(
        "This code has expired or was mistyped too often. Please ask for a new one."
    ),
    "error_too_many_emails": _(
        "Too many emails were asked for from this chat. Please try again in an hour."
    ),
    "error_bad_text": _(
        "This message contains a character that cannot be sent (U+0000). Remove it and "
        "send the message again."
    ),
    "error_not_storable": _("This message could not be saved. Please change it and send it again."),
    "error_rating_out_of_range": _("Choose a rating from 1 to 5 stars."),
    "error_comment_too_long": _("The comment is too long. Please shorten it."),
    "error_survey_expired": _("This survey has closed: answers are no longer taken."),
    "error_survey_not_open": _("This survey cannot be answered."),
    "error_survey_not_found": _("This survey could not be found."),
    "error_bad_request": _("Something went wrong. Please try again."),
    "error_origin_refused": _("This site may not use this chat."),
}
