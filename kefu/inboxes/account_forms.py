"""The admin form every channel account shares (a WeChat account, a Facebook page, an X
or Weibo account): its inbox chosen among the inboxes of its channel, its secrets
write-only (kefu.core.secret_fields) and required once the saved ones are put back."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.secret_fields import keep_saved_secrets
from kefu.inboxes.models import Inbox


class ChannelAccountForm(forms.ModelForm[Any]):
    # The Channel value of the inboxes the account may answer.
    channel: ClassVar[str]
    # Write-only fields, and those of them an account cannot work without.
    secrets: ClassVar[tuple[str, ...]] = ()
    required_secrets: ClassVar[tuple[str, ...] | None] = None  # None: all of `secrets`

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inbox = self.fields["inbox"]
        assert isinstance(inbox, forms.ModelChoiceField)
        inbox.queryset = Inbox.objects.filter(channel=self.channel)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        keep_saved_secrets(self, cleaned, self.secrets)
        required = self.secrets if self.required_secrets is None else self.required_secrets
        for name in required:
            if not cleaned.get(name):
                self.add_error(name, _("This field is required."))
        return cleaned
