"""Portal forms: they check the shape of the input; the actions decide everything else."""

import re
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kefu.core.intents import Intent
from kefu.inboxes.base import InboundAttachment

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
        attrs={"accept": "image/png,image/jpeg,image/gif,image/webp,application/pdf,.txt,.csv,.log"}
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


class NewTicketForm(forms.Form):
    intent = forms.ChoiceField(label=_("Topic"))
    subject = forms.CharField(label=_("Subject"), max_length=255)
    text = forms.CharField(
        label=_("Describe your problem"), widget=forms.Textarea(attrs={"rows": 7})
    )
    attachment = forms.FileField(label=_("Attach a file"), required=False, widget=_file_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        intent = self.fields["intent"]
        assert isinstance(intent, forms.ChoiceField)
        intent.choices = [("", _("Choose a topic")), *Intent.choices]


def inbound_files(upload: UploadedFile | None) -> tuple[InboundAttachment, ...]:
    """The upload as the action expects it.

    At most one byte over the limit is read: the action still sees that the file is too
    large and refuses it with its own message, and a huge upload is never held in memory.
    """
    if upload is None:
        return ()
    content = upload.read(settings.KEFU_MAX_ATTACHMENT_BYTES + 1)
    return (
        InboundAttachment(
            filename=upload.name or "attachment",
            content_type=upload.content_type or "application/octet-stream",
            content=content,
        ),
    )
