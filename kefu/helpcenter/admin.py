"""Editing the help center. Every save goes through actions, so revisions and the
search index follow admin edits exactly as they follow imports."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from kefu.helpcenter import actions
from kefu.helpcenter.models import Article, ArticleTranslation, Category, Revision, Status


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("slug", "name_zh_hans", "name_zh_hant", "name_en", "position")
    ordering = ("position", "slug")

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        saved = actions.save_category(
            slug=obj.slug,
            names={"zh-Hans": obj.name_zh_hans, "zh-Hant": obj.name_zh_hant, "en": obj.name_en},
            position=obj.position,
        )
        obj.pk = saved.pk


class TranslationInline(admin.TabularInline[ArticleTranslation, Article]):
    model = ArticleTranslation
    fields = ("language", "title", "status", "machine_drafted", "updated_at")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # translations are written on their own page, through actions


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ("slug", "intent", "category", "position")
    list_filter = ("category", "intent")
    search_fields = ("slug", "translations__title")
    filter_horizontal = ("related",)
    inlines = [TranslationInline]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        saved = actions.save_article(
            slug=obj.slug,
            intent=obj.intent,
            category=obj.category,
            position=obj.position,
            actor=request.user,
        )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        related = form.cleaned_data.get("related") or []
        actions.set_related(article=form.instance, slugs=[article.slug for article in related])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class RevisionInline(admin.TabularInline[Revision, ArticleTranslation]):
    model = Revision
    fields = ("created_at", "author", "status", "title", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ArticleTranslation)
class ArticleTranslationAdmin(admin.ModelAdmin[ArticleTranslation]):
    list_display = (
        "title",
        "article",
        "language",
        "status",
        "machine_drafted",
        "helpful",
        "not_helpful",
        "updated_at",
    )
    list_filter = ("language", "status", "machine_drafted")
    search_fields = ("title", "article__slug")
    fields = ("article", "language", "title", "body", "status", "machine_drafted", "published_at")
    readonly_fields = ("machine_drafted", "published_at")
    inlines = [RevisionInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ArticleTranslation]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                helpful_votes=Count("votes", filter=Q(votes__helpful=True)),
                not_helpful_votes=Count("votes", filter=Q(votes__helpful=False)),
            )
        )

    @admin.display(description=gettext_lazy("helpful"), ordering="helpful_votes")
    def helpful(self, obj: Any) -> int:
        return int(obj.helpful_votes)

    @admin.display(description=gettext_lazy("not helpful"), ordering="not_helpful_votes")
    def not_helpful(self, obj: Any) -> int:
        return int(obj.not_helpful_votes)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Which article and language a text belongs to is fixed once written.
        fixed = ("article", "language") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: ArticleTranslation, form: Any, change: bool
    ) -> None:
        saved = actions.save_translation(
            article=obj.article,
            language=obj.language,
            title=obj.title,
            body=obj.body,
            status=obj.status,
            author=request.user,
            # Editing or publishing a machine draft makes it a person's text.
            machine_drafted=obj.machine_drafted
            and obj.status == Status.DRAFT
            and not {"title", "body"} & set(form.changed_data),
        )
        obj.pk = saved.pk

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[ArticleTranslation], status: str
    ) -> int:
        count = 0
        for translation in queryset.select_related("article"):
            actions.set_status(translation=translation, status=status, author=request.user)
            count += 1
        return count

    @admin.action(description=gettext_lazy("Publish the selected translations"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ArticleTranslation]) -> None:
        count = self._set_status(request, queryset, Status.PUBLISHED)
        messages.success(
            request,
            ngettext("%(count)d translation published.", "%(count)d translations published.", count)
            % {"count": count},
        )

    @admin.action(description=gettext_lazy("Return the selected translations to draft"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[ArticleTranslation]) -> None:
        count = self._set_status(request, queryset, Status.DRAFT)
        messages.success(
            request,
            ngettext(
                "%(count)d translation returned to draft.",
                "%(count)d translations returned to draft.",
                count,
            )
            % {"count": count},
        )
