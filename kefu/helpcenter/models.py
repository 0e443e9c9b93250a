from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.intents import Intent
from kefu.core.languages import Language


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveIntegerField(default=0)
    # Three fixed languages: one column each is simpler to edit and query than a join.
    name_zh_hans = models.CharField(_("name (简体中文)"), max_length=120)
    name_zh_hant = models.CharField(_("name (繁體中文)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return {
            Language.ZH_HANS: self.name_zh_hans,
            Language.ZH_HANT: self.name_zh_hant,
        }.get(Language(language), self.name_en)


class Article(models.Model):
    """One help topic; its text lives in one ArticleTranslation per language."""

    slug = models.SlugField(max_length=120, unique=True)
    intent = models.CharField(max_length=40, choices=Intent.choices, blank=True, db_index=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    position = models.PositiveIntegerField(default=0)
    # Chosen per article ("see also"), so A → B does not imply B → A.
    related = models.ManyToManyField("self", blank=True, symmetrical=False)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.slug


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, choices=Language.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown."))
    # Rendered and sanitized once when saved, so a page view does no Markdown work.
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    machine_drafted = models.BooleanField(
        default=False, help_text=_("Converted automatically; a person should review it.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="one_translation_per_language"
            )
        ]
        indexes = [models.Index(fields=["language", "status"])]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Revision(models.Model):
    """A snapshot of a translation as saved: who changed what, and when."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.translation_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class HelpfulVote(models.Model):
    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="votes"
    )
    # One vote per browser session and article; the key is hashed like throttle keys.
    voter = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("helpfulness vote")
        verbose_name_plural = _("helpfulness votes")
        constraints = [
            models.UniqueConstraint(fields=["translation", "voter"], name="one_vote_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.translation_id}: {'+' if self.helpful else '-'}"


class SearchDocument(models.Model):
    """What the search index holds for one published translation (see search/).

    The terms are already folded, segmented and stemmed; the database's full-text index
    (an FTS5 table on SQLite, generated tsvector columns on PostgreSQL, created by
    migrations 0002 and 0003) is derived from these columns by the database itself. The
    four term columns weigh from most to least: what an article is about is said in its
    title, lead and headings, not in the boxes it shares with many others.
    """

    translation = models.OneToOneField(
        ArticleTranslation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, choices=Language.choices)
    title_terms = models.TextField()
    # The lead (the text before the first heading) and the headings.
    head_terms = models.TextField(default="")
    # The rest of the article's own text.
    terms = models.TextField()
    # Blocks that many documents hold word for word ("support will never ask for…").
    shared_terms = models.TextField(default="")
    # The text as the reader sees it, for highlighted snippets.
    plain = models.TextField()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.translation_id)


class SearchTerm(models.Model):
    """Every English word the index knows, for correcting typos in queries."""

    term = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class SearchBlock(models.Model):
    """One block (paragraph, list item, heading) of an indexed document, by fingerprint.

    Counting the documents that hold a block is how boilerplate is told from an article's
    own text, whatever its wording or language: see search/indexing.py.
    """

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=16, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "fingerprint"], name="one_block_per_text")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.fingerprint}"


class SearchCount(models.Model):
    """Help-center searches per UTC hour, for the deflection report.

    A counter rather than a log: the report needs only totals, and no query text is kept.
    """

    hour = models.DateTimeField(unique=True)
    searches = models.PositiveIntegerField(default=0)
    no_results = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("help-center search count")
        verbose_name_plural = _("help-center search counts")

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:00} {self.searches}"
