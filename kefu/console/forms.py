"""Forms for every console input: each view parses with one of these before calling an action."""

import re
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kefu.agents.models import Agent, Availability, CallDevice, Team
from kefu.conversations.attachments import read_upload
from kefu.conversations.inbound import InboundAttachment
from kefu.conversations.models import Priority, Status
from kefu.core.intents import Intent
from kefu.core.languages import Language
from kefu.core.phone_numbers import InvalidPhoneNumber, to_e164
from kefu.core.time_zones import is_choosable
from kefu.inboxes.models import Channel
from kefu.inboxes.phone.models import WrapUpOutcome
from kefu.verification.actions import FREEZE_REASONS
from kefu.verification.models import CaseKind

MAX_FILES_PER_REPLY = 5
# Agents type Chinese and Western punctuation alike.
_TAG_SEPARATORS = re.compile(r"[,，、;；]")


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class InboxFilterForm(forms.Form):
    """The inbox's GET parameters; anything unknown is ignored rather than an error."""

    view = forms.ChoiceField(
        choices=[("all", _("All")), ("mine", _("Mine")), ("unassigned", _("Unassigned"))],
        required=False,
    )
    channel = forms.ChoiceField(choices=[("", _("Any channel")), *Channel.choices], required=False)
    status = forms.ChoiceField(choices=[("", _("Any status")), *Status.choices], required=False)
    intent = forms.ChoiceField(choices=[("", _("Any intent")), *Intent.choices], required=False)
    priority = forms.ChoiceField(
        choices=[("", _("Any priority")), *Priority.choices], required=False
    )
    sla = forms.ChoiceField(
        choices=[("", _("Any deadline")), ("due_soon", _("Due soon")), ("breached", _("Breached"))],
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[("", _("Latest activity")), ("deadline", _("Next deadline"))], required=False
    )
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)
    # Checked by the search itself, which says what is wrong (no words, too long)
    # instead of dropping the query as an invalid filter.
    q = forms.CharField(required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    then_status = forms.ChoiceField(label=_("and set status"), required=False)
    attachments = MultipleFileField(label=_("Attach files"), required=False)
    # Another channel to send on when the conversation's is closed (the reply window's
    # alternatives). Any channel is accepted here; the action says which ones may be used.
    via = forms.ChoiceField(
        label=_("Send by"), required=False, choices=[("", ""), *Channel.choices]
    )
    # The newest message on the page when the form rendered: a reply someone else sent
    # after it makes the send a collision warning instead (conversations.actions).
    seen_message_id = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, allowed_statuses: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Offered: the transitions allowed from the current status. Posted: any status,
        # so a stale page's choice reaches the action and gets its clear refusal.
        field = cast(forms.ChoiceField, self.fields["then_status"])
        field.choices = [("", ""), *Status.choices]
        field.widget.choices = [("", _("keep the status")), *allowed_statuses]

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES_PER_REPLY:
            raise forms.ValidationError(
                _("Attach at most %(count)s files to one reply.") % {"count": MAX_FILES_PER_REPLY}
            )
        return files

    def uploads(self) -> tuple[InboundAttachment, ...]:
        """The files, each read only when within the size limit (else AttachmentRejected)."""
        return tuple(read_upload(upload) for upload in self.cleaned_data.get("attachments") or [])


class ActionForm(forms.Form):
    """The form of one action on a conversation (console.views.conversation_actions)."""

    # What the agent reads when the form does not validate; empty where the fields' own
    # errors say more (the first of them is shown).
    invalid_message: StrOrPromise = ""


class NoteForm(ActionForm):
    invalid_message = _("Write the note first.")

    text = forms.CharField(
        label=_("Internal note"), strip=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(ActionForm):
    invalid_message = _("Choose an agent from the list.")
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=Agent.objects.filter(is_active=True),
        required=False,
        empty_label=_("Nobody"),
    )


class TransferForm(ActionForm):
    """To an agent, to a team's queue, or to an agent within a team."""

    invalid_message = _("Choose an agent or a team from the list.")

    to_agent = forms.ModelChoiceField(
        label=_("Transfer to agent"),
        queryset=Agent.objects.filter(is_active=True),
        required=False,
    )
    to_team = forms.ModelChoiceField(
        label=_("Transfer to team"), queryset=Team.objects.all(), required=False
    )


class ExtendedHoursForm(forms.Form):
    on = forms.TypedChoiceField(
        choices=[("1", "on"), ("0", "off")], coerce=lambda value: value == "1"
    )


class StatusForm(ActionForm):
    invalid_message = _("Choose a status from the list.")
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class PriorityForm(ActionForm):
    invalid_message = _("Choose a priority from the list.")
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class TagsForm(ActionForm):
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000)

    def names(self) -> list[str]:
        return [name.strip() for name in _TAG_SEPARATORS.split(self.cleaned_data["tags"])]


class MergeForm(ActionForm):
    invalid_message = _("Enter the reference of the conversation to merge into.")
    target = forms.CharField(label=_("Merge into"), max_length=20)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Follow the browser")), *Language.choices],
        required=False,
    )
    # A text field with the zone list as suggestions: typing "Taipei" finds "Asia/Taipei"
    # among five hundred names faster than scrolling a select.
    timezone = forms.CharField(
        label=_("Time zone"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("Leave empty to follow the browser."),
    )

    def clean_timezone(self) -> str:
        zone: str = self.cleaned_data["timezone"].strip()
        if zone and not is_choosable(zone):
            raise forms.ValidationError(
                _("“%(zone)s” is not a time zone. Choose one from the list, such as Asia/Taipei.")
                % {"zone": zone}
            )
        return zone


class AvailabilityForm(forms.Form):
    availability = forms.ChoiceField(choices=Availability.choices)


class EscalateForm(ActionForm):
    # The action refuses an over-long reason with its own message.
    invalid_message = _("Say why the case needs a higher tier.")

    reason = forms.CharField(label=_("Reason for escalating"))
    # The tier the agent saw: a button pressed twice must not move the case up twice.
    tier = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CallDeviceForm(forms.Form):
    """Where the agent answers hotline calls (preferences)."""

    answers_calls = forms.ChoiceField(
        label=_("Answer hotline calls"), choices=CallDevice.choices, required=False
    )
    phone_number = forms.CharField(
        label=_("Your phone number"),
        required=False,
        max_length=32,
        help_text=_("With the country code, such as +86 138 0013 8000."),
    )

    def clean_phone_number(self) -> str:
        value: str = self.cleaned_data["phone_number"].strip()
        if not value:
            return ""
        try:
            return to_e164(value)
        except InvalidPhoneNumber as error:
            raise forms.ValidationError(error.message) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answers_calls") == CallDevice.PHONE and not data.get("phone_number"):
            self.add_error("phone_number", _("Give the phone number your calls should ring on."))
        return data


class WrapUpForm(forms.Form):
    # A blank first choice: nothing is preselected that the agent did not pick.
    intent = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Intent.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *WrapUpOutcome.choices])


class CallNumberForm(ActionForm):
    """Click-to-call: one of the customer's own phone numbers, nothing typed in."""

    invalid_message = _("Call one of the customer's phone numbers shown on the page.")
    number = forms.ChoiceField()

    def __init__(self, data: Any = None, *, numbers: list[str]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["number"]).choices = [(n, n) for n in numbers]


class LinkCallerForm(forms.Form):
    reference = forms.CharField(
        label=_("A conversation of the customer who called"),
        max_length=16,
        widget=forms.TextInput(attrs={"placeholder": "K-000123", "autocomplete": "off"}),
    )


class FreezeForm(ActionForm):
    """Freezing stops everything leaving the account: the agent says why and confirms."""

    reason = forms.ChoiceField(label=_("Reason"), choices=list(FREEZE_REASONS.items()))
    note = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write what happened before freezing the account.")},
    )
    confirmed = forms.BooleanField(
        label=_(
            "I confirm: nothing will leave this account until it is unfrozen through a "
            "verification case"
        ),
        error_messages={"required": _("Confirm that you mean to freeze the account.")},
    )


class OpenCaseForm(ActionForm):
    invalid_message = _("Choose what the customer asks for.")

    kind = forms.ChoiceField(label=_("Request"), choices=CaseKind.choices)


class CaseForm(ActionForm):
    """A step on one case of the conversation, named by its id (hidden)."""

    invalid_message = _("That verification case is not on this conversation.")

    case = forms.IntegerField(widget=forms.HiddenInput)


class CheckForm(CaseForm):
    """A step on one check of a case."""

    check_id = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(CheckForm):
    invalid_message = _("Say whether the documents pass or fail.")

    passed = forms.TypedChoiceField(
        choices=[("1", _("Documents pass")), ("0", _("Documents fail"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ProposeForm(CaseForm):
    invalid_message = _("Write a note for the approver.")

    note = forms.CharField(
        label=_("Note for the approver"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(CaseForm):
    """Approve, reject or cancel: always with a reason, kept with the case."""

    invalid_message = _("Give the reason for your decision.")

    reason = forms.CharField(label=_("Reason"), max_length=2000)


# --- the community (console.views.community) ------------------------------------------


class CommunityQueueFilterForm(forms.Form):
    """The community queue's GET parameters; anything unknown is ignored."""

    show = forms.ChoiceField(
        choices=[
            ("", _("Everything")),
            ("unanswered", _("Unanswered")),
            ("held", _("Held posts")),
            ("reported", _("Reported posts")),
        ],
        required=False,
    )
    language = forms.ChoiceField(
        choices=[("", _("Any language")), *Language.choices], required=False
    )
    category = forms.IntegerField(required=False, min_value=1)


class CommunityAnswerForm(ActionForm):
    invalid_message = _("Write the answer first.")
    body = forms.CharField(label=_("Official answer"), widget=forms.Textarea(attrs={"rows": 5}))


class CommunityPublishForm(CommunityAnswerForm):
    """An answer from a support conversation, published to the question it came from."""

    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CommunityHideForm(ActionForm):
    invalid_message = _("Say why the post is hidden.")
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CommunityLockForm(ActionForm):
    locked = forms.BooleanField(required=False)


class CommunityMoveForm(ActionForm):
    invalid_message = _("Choose a category.")
    category = forms.IntegerField(label=_("Category"), required=False, min_value=1)


class CommunityMergeForm(ActionForm):
    invalid_message = _("Enter the number of the question to merge into.")
    into = forms.IntegerField(label=_("Merge into question"), min_value=1)


class CommunityBanForm(ActionForm):
    invalid_message = _("Give the number of days (1 to 3650) and a reason.")
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=3650, initial=7)
    reason = forms.CharField(label=_("Reason"), max_length=200)
