"""Authoring in the Django admin. Status changes only through the actions, which call the
services; saving an edit goes through `article_save` (an edited text goes back to draft)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from neocare.knowledge import services
from neocare.knowledge.models import Article, EducationRule, EducationSent, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # the eight codes are the API's `tag` values; a migration makes them

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("needs_review", _("draft — needs clinical review")),
            ("expired", _("needs re-review (review expired)")),
            ("current", _("review current")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        expired = Q(review_expires_at__lte=now) & ~Q(status=Article.Status.DRAFT)
        if self.value() == "needs_review":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "expired":
            return queryset.filter(expired)
        if self.value() == "current":
            return queryset.exclude(status=Article.Status.DRAFT).exclude(expired)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title_zh",
        "title_en",
        "review_state",
        "reviewed_by",
        "reviewed_at",
        "review_expires_at",
        "updated_at",
    ]
    list_filter = [ReviewStateFilter, "status", "tags"]
    search_fields = ["slug", "title_zh", "title_en"]
    filter_horizontal = ["tags"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = [
        "review_state",
        "reviewed_at",
        "review_expires_at",
        "published_at",
        "preview_zh",
        "preview_en",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["slug", "tags", "source"]}),
        (_("Chinese"), {"fields": ["title_zh", "body_zh_md", "preview_zh"]}),
        (_("English"), {"fields": ["title_en", "body_en_md", "preview_en"]}),
        (
            _("Clinical review"),
            {
                "fields": [
                    "review_state",
                    "reviewed_by",
                    "reviewed_at",
                    "review_expires_at",
                    "published_at",
                ],
                "description": _(
                    "Name the reviewing clinician, save, then use the action “Record the "
                    "clinical review”. Editing a title or text afterwards sends the article "
                    "back to draft."
                ),
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["record_review", "publish", "withdraw"]

    @admin.display(description=_("review state"))
    def review_state(self, article: Article) -> str:
        return services.review_state(article) if article.pk else ""

    @admin.display(description=_("preview (Chinese)"))
    def preview_zh(self, article: Article) -> str:
        return self._preview(article.body_zh_md)

    @admin.display(description=_("preview (English)"))
    def preview_en(self, article: Article) -> str:
        return self._preview(article.body_en_md)

    @staticmethod
    def _preview(text: str) -> str:
        # Sanitised by the same allow-list as the API: safe to show as HTML.
        return format_html("<div>{}</div>", mark_safe(services.markdown_to_html(text or "")))

    def save_model(self, request, obj, form, change):
        was = obj.status
        services.article_save(article=obj)
        if change and was != Article.Status.DRAFT and obj.status == Article.Status.DRAFT:
            self.message_user(
                request,
                _("The text changed, so the article is back to draft and needs a new review."),
                messages.WARNING,
            )

    def _each(self, request, queryset, act, done_message):
        done = 0
        for article in queryset:
            try:
                act(article)
            except ValidationError as exc:
                self.message_user(request, f"{article}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"number": done}, messages.SUCCESS)

    @admin.action(description=_("Record the clinical review (by the named reviewer)"))
    def record_review(self, request, queryset):
        def review(article):
            reviewer = article.reviewed_by or request.user
            services.article_review(article=article, by=reviewer)

        self._each(request, queryset, review, _("Review recorded for %(number)d article(s)."))

    @admin.action(description=_("Publish (reviewed articles only)"))
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda article: services.article_publish(article=article),
            _("%(number)d article(s) published."),
        )

    @admin.action(description=_("Withdraw to draft"))
    def withdraw(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda article: services.article_withdraw(article=article),
            _("%(number)d article(s) back to draft."),
        )


@admin.register(EducationRule)
class EducationRuleAdmin(admin.ModelAdmin):
    """Timed education is data: a rule's article, moment and window are edited here; it sends
    only while its article is published (neocare/knowledge/education.py)."""

    list_display = [
        "code",
        "description",
        "article",
        "trigger",
        "after_hours",
        "within_hours",
        "hold_while_alert_from",
        "active",
        "sent_count",
        "opened_count",
    ]
    list_filter = ["active", "trigger"]

    @admin.display(description=_("sent"))
    def sent_count(self, rule):
        return rule.sent.count()

    @admin.display(description=_("opened"))
    def opened_count(self, rule):
        return rule.sent.filter(read_at__isnull=False).count()

    def has_delete_permission(self, request, obj=None):
        # A rule that has been sent is part of the record: deactivate it instead.
        return obj is None or not obj.sent.exists()


@admin.register(EducationSent)
class EducationSentAdmin(admin.ModelAdmin):
    """What was sent and whether it was opened (read-only)."""

    list_display = ["rule", "created_at", "read_at"]
    list_filter = ["rule"]
    fields = ["rule", "created_at", "read_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
