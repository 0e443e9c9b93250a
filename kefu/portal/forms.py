"""Portal forms: they check the shape of the input; the actions decide everything else."""

import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kefu.conversations.attachments import read_upload
from kefu.conversations.inbound import InboundAttachment
from kefu.core.intents import Intent
from kefu.verification.models import CaseKind, DocumentKind
from kefu.verification.selectors import Question

_CODE_NOISE = re.compile(r"[\s\-]")


def six_digits(typed: str) -> str | None:
    """The 6-digit code in what was typed, or None.

    Chinese input methods often type full-width digits (１２３４５６), and people copy
    codes with spaces; NFKC folds the former, `typed_digits` drops the latter.
    """
    code = typed_digits(typed)
    return code if len(code) == 6 else None


def typed_digits(typed: str) -> str:
    """What was typed without spaces and dashes, full-width digits folded; "" if not digits."""
    code = _CODE_NOISE.sub("", unicodedata.normalize("NFKC", typed))
    return code if code.isascii() and code.isdigit() else ""


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "autofocus": True}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


def _code_input(*, autofocus: bool = False) -> forms.TextInput:
    """The one-time-code box every code form uses: the phone's keyboard offers digits and
    the code the phone just received."""
    attrs: dict[str, str | bool] = {
        "autocomplete": "one-time-code",
        "inputmode": "numeric",
        "class": "code-input",
        "placeholder": "000000",
    }
    if autofocus:
        attrs["autofocus"] = True
    return forms.TextInput(attrs=attrs)


class CodeForm(forms.Form):
    # The address comes from the session that asked for the code, not from the form.
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=32,
        widget=_code_input(autofocus=True),
    )

    def clean_code(self) -> str:
        code = six_digits(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("Enter the 6 digits of the code from the email."))
        return code


def _file_widget() -> forms.ClearableFileInput:
    return forms.ClearableFileInput(
        attrs={
            "accept": "image/png,image/jpeg,image/gif,image/webp,application/pdf,"
            ".txt,.csv,.log,.json,.md"
        }
    )


def _new_submission_id() -> str:
    return uuid.uuid4().hex


def _submission_field() -> forms.CharField:
    """A one-time id rendered with the form: the same post sent twice (a double click, a
    browser resending after a lost answer) carries it twice and is stored once."""
    return forms.CharField(
        required=False, max_length=64, initial=_new_submission_id, widget=forms.HiddenInput
    )


class ReplyForm(forms.Form):
    # Not required here: a message with only a screenshot is fine, and an empty one is
    # refused by the action with its own message.
    text = forms.CharField(
        label=_("Your message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(label=_("Attach a file"), required=False, widget=_file_widget())
    submission = _submission_field()


class NewTicketForm(forms.Form):
    intent = forms.ChoiceField(label=_("Topic"))
    subject = forms.CharField(label=_("Subject"), max_length=255)
    text = forms.CharField(
        label=_("Describe your problem"), widget=forms.Textarea(attrs={"rows": 7})
    )
    attachment = forms.FileField(label=_("Attach a file"), required=False, widget=_file_widget())
    submission = _submission_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        intent = self.fields["intent"]
        assert isinstance(intent, forms.ChoiceField)
        intent.choices = [("", _("Choose a topic")), *Intent.choices]


def inbound_files(upload: UploadedFile | None) -> tuple[InboundAttachment, ...]:
    """The upload as the action expects it (read only when within the size limit)."""
    return (read_upload(upload),) if upload is not None else ()


# What the customer may say they are checking. Empty: the page works it out from the text.
VERIFY_KINDS = [
    ("", _("Find out for me")),
    ("agent", _("Agent id (KF-…)")),
    ("phone", _("Phone number")),
    ("email", _("Email address")),
    ("domain", _("Website or link")),
    ("telegram", _("Telegram account")),
    ("x", _("X (Twitter) account")),
    ("wechat", _("WeChat account")),
    ("facebook", _("Facebook account")),
    ("whatsapp", _("WhatsApp number")),
    ("weibo", _("Weibo account")),
]


class VerifyForm(forms.Form):
    q = forms.CharField(
        label=_("What do you want to check?"),
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": "KF-7Q2M9A",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "enterkeyhint": "search",
            }
        ),
    )
    kind = forms.ChoiceField(label=_("What is it?"), choices=VERIFY_KINDS, required=False)


# How an impostor reached the customer; the agents read the label in the report.
REPORT_CHANNELS = [
    ("phone", _("Phone call")),
    ("sms", _("SMS")),
    ("email", _("Email")),
    ("telegram", _("Telegram")),
    ("whatsapp", _("WhatsApp")),
    ("wechat", _("WeChat")),
    ("x", _("X (Twitter)")),
    ("facebook", _("Facebook / Messenger")),
    ("weibo", _("Weibo")),
    ("website", _("A website")),
    ("other", _("Other")),
]


class ImpostorReportForm(forms.Form):
    contacted_by = forms.CharField(
        label=_("Who contacted you?"),
        max_length=255,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    channel = forms.ChoiceField(label=_("How did they contact you?"))
    asked_for = forms.CharField(
        label=_("What did they ask you for?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # Only asked of someone who is not signed in: it is where the answer goes.
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = [("", _("Choose one")), *REPORT_CHANNELS]
        if signed_in:
            del self.fields["email"]

    def channel_label(self) -> str:
        return str(dict(REPORT_CHANNELS)[self.cleaned_data["channel"]])


class AntiPhishingCodeForm(forms.Form):
    # The action checks the length too; checking here gives the message next to the field.
    code = forms.CharField(
        label=_("Your anti-phishing code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not 4 <= len(code) <= 20:
            raise forms.ValidationError(_("Use 4 to 20 characters."))
        if not code.isprintable():
            raise forms.ValidationError(_("Use letters, digits, words or symbols only."))
        return code


class EscalateForm(forms.Form):
    # The length limit is the action's (kefu.sla.escalation), which says so in words.
    reason = forms.CharField(
        label=_("Why should a higher team look at this case?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unhappy = forms.BooleanField(
        label=_("I am not satisfied with how my case is being handled."), required=False
    )
    # The tier the customer saw: a form sent twice must not move the case up twice.
    tier = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LinkCodeForm(forms.Form):
    """The code the customer's messaging account received, typed back on the portal."""

    code = forms.CharField(
        label=_("Code from the chat"),
        max_length=32,
        widget=_code_input(),
    )

    def clean_code(self) -> str:
        code = six_digits(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("Enter the 6 digits of the code you received in the chat.")
            )
        return code


# Identity verification (views/identity.py). What each field means is the action's to
# judge; these only take the input apart.

# Platforms send codes of their own length; anything longer is not a code.
_PLATFORM_CODE_DIGITS = range(4, 13)
# The files an identity document or a selfie may be (the action checks the content too).
DOCUMENT_ACCEPT = "image/jpeg,image/png,application/pdf"


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code you received"),
        max_length=32,
        widget=_code_input(),
    )

    def clean_code(self) -> str:
        code = typed_digits(self.cleaned_data["code"])
        if len(code) not in _PLATFORM_CODE_DIGITS:
            raise forms.ValidationError(_("Enter the digits of the code you received."))
        return code


class KnowledgeForm(forms.Form):
    """One text field per question of the case (verification.selectors.questions)."""

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question.name] = forms.CharField(
                label=question.label,
                help_text=question.help_text,
                max_length=200,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )


def _document_field(label: StrOrPromise, *, required: bool = True) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )


class IdDocumentForm(forms.Form):
    front = _document_field(_("Front of your identity document"))
    back = _document_field(_("Back of your identity document (if it has one)"), required=False)

    kinds = {"front": DocumentKind.ID_FRONT, "back": DocumentKind.ID_BACK}


class SelfieForm(forms.Form):
    selfie = _document_field(_("A photo of you holding the document"))

    kinds = {"selfie": DocumentKind.SELFIE}


def uploads(form: IdDocumentForm | SelfieForm) -> list[tuple[DocumentKind, UploadedFile]]:
    """The files chosen in a valid document form, each with the kind it is."""
    return [
        (kind, form.cleaned_data[name])
        for name, kind in form.kinds.items()
        if form.cleaned_data.get(name) is not None
    ]


class ChangeForm(forms.Form):
    """The new value a change case asks for; its one field is named as the action's key."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_CHANGE_FIELDS[kind]())


_CHANGE_FIELDS: dict[str, Callable[[], dict[str, forms.Field]]] = {
    CaseKind.CHANGE_EMAIL: lambda: {
        "email": forms.EmailField(
            label=_("New email address"),
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        )
    },
    CaseKind.CHANGE_PHONE: lambda: {
        "phone": forms.CharField(
            label=_("New phone number, with the country code"),
            max_length=32,
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "tel",
                    "inputmode": "tel",
                    "placeholder": "+86 138 0013 8000",
                }
            ),
        )
    },
    CaseKind.CHANGE_PERSONAL_INFO: lambda: {
        "name": forms.CharField(
            label=_("Your full name as on your identity document"), max_length=200
        )
    },
}
# The kinds of case for which the customer says the new value.
CHANGE_KINDS = frozenset(_CHANGE_FIELDS)
