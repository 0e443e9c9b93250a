"""Status-update templates: the agent picks one for the case, edits it, sends it.

A template is sent as the agent's own reply (conversations.actions.send_reply), so it is
checked by the outbound guard and fulfils the periodic-update target through the clock
like any answer; nothing here sends anything.
"""

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kefu.conversations.models import Conversation
from kefu.safety.guard_explanations import explain
from kefu.safety.outbound_guard import check_outbound
from kefu.sla.models import UpdateTemplate


def templates_for(conversation: Conversation) -> list[UpdateTemplate]:
    """The templates in the conversation's language: its case type's first, then general."""
    intent_match = Q(intent=conversation.intent) if conversation.intent else Q(pk__in=[])
    return list(
        UpdateTemplate.objects.filter(language=conversation.language)
        .filter(intent_match | Q(intent=""))
        .annotate(
            general=Case(
                When(intent="", then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("general", "title", "pk")
    )


def template_for(conversation: Conversation, template_id: int) -> UpdateTemplate | None:
    """One of `templates_for(conversation)`, or None (another language or case type)."""
    return next((t for t in templates_for(conversation) if t.pk == template_id), None)


def text_for(template: UpdateTemplate, conversation: Conversation) -> str:
    # {reference} is the only placeholder: an admin may write braces elsewhere.
    return template.text.replace("{reference}", conversation.reference)


def check_template(text: str, language: str) -> None:
    """Refuse, when saved, a template the outbound guard would block when sent."""
    verdict = check_outbound(text, language)
    if verdict.blocked:
        # Explained to the admin, in the admin's language.
        reader = get_language() or "en"
        reasons = " ".join(explain(reason, reader) for reason in verdict.reasons)
        raise ValidationError(
            _("The outbound guard would block this text: %(reasons)s") % {"reasons": reasons}
        )
