"""Portal forms: they check the shape of the input; the actions decide everything else."""

import re
import unicodedata
import uuid
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kefu.conversations.attachments import read_upload
from kefu.conversations.inbound import InboundAttachment
from kefu.core.intents import Intent

_CODE_NOISE = re.compile(r"[\s\-]")


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "autofocus": True}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class CodeForm(forms.Form):
    # The address comes from the session that asked for the code, not from the form.
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "code-input",
                "placeholder": "000000",
            }
        ),
    )

    def clean_code(self) -> str:
        # Chinese input methods often type full-width digits (１２３４５６), and people
        # copy codes with spaces; NFKC folds the former, the regex drops the latter.
        code = _CODE_NOISE.sub("", unicodedata.normalize("NFKC", self.cleaned_data["code"]))
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
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
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "code-input",
                "placeholder": "000000",
            }
        ),
    )

    def clean_code(self) -> str:
        code = _CODE_NOISE.sub("", unicodedata.normalize("NFKC", self.cleaned_data["code"]))
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(
                _("Enter the 6 digits of the code you received in the chat.")
            )
        return code
