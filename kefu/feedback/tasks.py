"""Background work of the feedback app: asking for a rating on the case's own channel.

Sending talks to mail servers and messaging platforms (through the delivery job), so it
never runs in the request that resolves. Both jobs may run twice (a worker that died is
reclaimed): a survey already sent or skipped is left as it is.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

from kefu.conversations import actions as conversation_actions
from kefu.conversations import reply_window
from kefu.conversations.models import Conversation
from kefu.core.errors import KefuError
from kefu.core.events import contact_group, publish_on_commit
from kefu.core.intents import Intent
from kefu.core.languages import to_django
from kefu.feedback import actions, selectors
from kefu.feedback.models import RATINGS, Survey, SurveyState
from kefu.inboxes.models import Channel

# Messaging platforms that limit when a business may write: ask the reply-window policy.
WINDOWED = frozenset(
    {Channel.TELEGRAM, Channel.WECHAT, Channel.MESSENGER, Channel.X, Channel.WEIBO}
)
# Channels the customer reads on the portal's conversation page, where the survey shows.
ON_PORTAL = frozenset({Channel.PORTAL, Channel.API, Channel.PHONE})


def enqueue_on_commit(job: Task[..., str], *args: int) -> None:
    """Queue `job` with the caller's transaction (database queue) or after it commits."""
    if isinstance(job.get_backend(), DatabaseBackend):
        job.enqueue(*args)
    else:
        transaction.on_commit(partial(job.enqueue, *args))


def email_text(survey: Survey) -> str:
    """The survey email's body: one link per rating, then the page (in the case's language)."""
    url = selectors.survey_url(survey)
    reference = survey.conversation.reference
    with translation.override(to_django(survey.language)):
        lines = [
            _("Your case %(reference)s has been resolved. How did we do?")
            % {"reference": reference},
            _("Choose a rating with one click (1 = very poor, 5 = excellent):"),
            "",
            *(f"{rating} ★  {url}?rating={rating}" for rating in RATINGS),
            "",
            _("Or open the survey to add a comment: %(url)s") % {"url": url},
            _("You can change your answer with the same link until %(date)s.")
            % {"date": timezone.localtime(survey.expires_at).strftime("%Y-%m-%d")},
        ]
    return "\n".join(lines)


def message_text(survey: Survey) -> str:
    """The survey invitation on a messaging channel: one short message with the link."""
    with translation.override(to_django(survey.language)):
        return _(
            "Your case %(reference)s has been resolved. Please rate our help from 1 to 5: %(url)s"
        ) % {"reference": survey.conversation.reference, "url": selectors.survey_url(survey)}


def offer_text(survey: Survey, language: str) -> str:
    with translation.override(to_django(language)):
        return _(
            "Thank you for wanting to tell us how we did. You can rate your last case "
            "%(reference)s here: %(url)s"
        ) % {"reference": survey.conversation.reference, "url": selectors.survey_url(survey)}


def _send_automatic(survey: Survey, text: str) -> bool:
    try:
        sent = conversation_actions.send_automatic(conversation=survey.conversation, text=text)
    except KefuError:
        # Closed or merged since it was resolved: the case can no longer be written to.
        return False
    return sent is not None


def webchat_event(survey: Survey) -> dict[str, object]:
    """What the chat widget hears on the contact's group to show the survey inline."""
    return {
        "kind": "survey",
        "token": survey.token,
        "conversation_id": survey.conversation_id,
        "reference": survey.conversation.reference,
        "url": selectors.survey_url(survey),
        "expires_at": survey.expires_at.isoformat(),
    }


@task()
def send_survey(survey_id: int) -> str:
    survey = (
        Survey.objects.select_related("conversation__inbox", "conversation__contact")
        .filter(pk=survey_id)
        .first()
    )
    if survey is None or survey.state != SurveyState.PENDING:
        return "done"  # gone, skipped, or a second run of a job that already decided
    now = timezone.now()
    channel = survey.channel
    with transaction.atomic():
        if channel == Channel.EMAIL:
            if not _send_automatic(survey, email_text(survey)):
                actions.mark_skipped(survey, "no_address")
                return "skipped"
        elif channel == Channel.WEBCHAT:
            publish_on_commit(
                [contact_group(survey.conversation.contact_id)], webchat_event(survey)
            )
        elif channel in WINDOWED:
            window = reply_window.reply_window(survey.conversation, now)
            if window.mode != reply_window.Mode.FREE or not _send_automatic(
                survey, message_text(survey)
            ):
                actions.mark_skipped(survey, "window")
                return "skipped"
        # Portal, API and phone customers find it on the portal's conversation page.
        actions.mark_sent(survey, now)
    return "sent"


@task()
def offer_survey(conversation_id: int) -> str:
    """Answer "how do I rate your service?" with the survey of the customer's last case."""
    conversation = (
        Conversation.objects.select_related("contact", "inbox").filter(pk=conversation_id).first()
    )
    if conversation is None or conversation.intent != Intent.FEEDBACK:
        return "not asked"
    survey = selectors.answerable_for(conversation.contact)
    if survey is None:
        return "nothing to offer"
    sent = conversation_actions.send_automatic(
        conversation=conversation, text=offer_text(survey, conversation.language)
    )
    return "offered" if sent is not None else "unreachable"
