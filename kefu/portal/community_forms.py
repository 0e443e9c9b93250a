"""The community's forms: they check the shape of the input; kefu.community.actions
decide everything else (secrets, links, bans, limits) and their refusals are shown on the
same form with the text kept."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kefu.community.models import PostReport
from kefu.helpcenter.models import Category


def _body(label: StrOrPromise, rows: int) -> forms.CharField:
    # No max_length here: the action refuses a long post with its own message and code.
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}))


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        help_text=_("Shown next to everything you post. Do not use your real name or email."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class AskForm(forms.Form):
    title = forms.CharField(label=_("Question"))
    body = _body(_("Details"), 8)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: object, language: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choice = self.fields["category"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", _("Choose a category"))] + [
            (row.slug, row.name(language)) for row in Category.objects.all()
        ]

    def chosen_category(self) -> Category | None:
        slug = self.cleaned_data.get("category") or ""
        return Category.objects.filter(slug=slug).first() if slug else None


class AnswerForm(forms.Form):
    body = _body(_("Your answer"), 6)


class CommentForm(forms.Form):
    body = _body(_("Your comment"), 2)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Question"), required=False)
    body = _body(_("Text"), 8)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=PostReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything moderators should know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
