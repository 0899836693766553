"""Articles for parents, in Simplified Chinese and English, and the tags that group them.

An article is written in Markdown and reaches parents only after a clinician has reviewed the
text now stored: the workflow (draft → reviewed → published, and back to draft when the text
changes) lives in `services.py`; what the public may read is `selectors.articles_public`.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neocare.infants.models import ActionLevel
from neocare.network.models import User

# Who may review an article: the programme's clinical roles (neocare/network/models.py).
CLINICIAN_ROLES = list(User.ROLE_FACILITY_TIER)


class Tag(models.Model):
    """One of the eight subjects of the knowledge base; the rows are made by a migration."""

    class Code(models.TextChoices):
        JAUNDICE = "jaundice", _("jaundice")
        STOOL_COLOUR = "stool_colour", _("stool colour")
        FEEDING = "feeding", _("feeding")
        METER_USE = "meter_use", _("using the home meter")
        PHOTOS = "photos", _("skin photos")
        AFTER_PHOTOTHERAPY = "after_phototherapy", _("after phototherapy")
        DANGER_SIGNS = "danger_signs", _("danger signs")
        GROWTH = "growth", _("weight and growth")

    code = models.CharField(_("code"), max_length=32, choices=Code.choices, unique=True)
    # Labels are content shown beside the articles (not catalogue strings), one per language.
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50)

    class Meta:
        ordering = ["id"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return f"{self.name_zh} / {self.name_en}"

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft — needs clinical review")
        REVIEWED = "reviewed", _("clinically reviewed, not published")
        PUBLISHED = "published", _("published")

    # What a review covers: a change to any of these sends the article back to draft.
    REVIEWED_FIELDS = ("title_zh", "title_en", "body_zh_md", "body_en_md", "reviewed_by_id")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    tags = models.ManyToManyField(Tag, related_name="articles", verbose_name=_("tags"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    body_zh_md = models.TextField(_("text (Chinese, Markdown)"))
    body_en_md = models.TextField(_("text (English, Markdown)"))
    source = models.TextField(
        _("source"), help_text=_("Where the advice comes from, e.g. AAP 2022; DOMAIN.md section.")
    )
    reviewed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        limit_choices_to={"role__in": CLINICIAN_ROLES},
        verbose_name=_("clinical reviewer"),
        help_text=_("The clinician who reviews the text (a doctor or paediatrician)."),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    review_expires_at = models.DateTimeField(
        _("review expires at"), null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # Both languages' titles and text, markup stripped, NFKC-normalised and lower-cased
    # (services.search_text_of); `q` matches substrings of it, which works for Chinese.
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            # The public selector trusts that a reviewed or published article has a whole
            # review, and a published one a date; the services keep it so, this makes it sure.
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(
                    reviewed_by__isnull=False,
                    reviewed_at__isnull=False,
                    review_expires_at__isnull=False,
                ),
                name="article_review_whole_unless_draft",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_zh} / {self.title_en}"

    def clean(self) -> None:
        super().clean()
        if self.reviewed_by_id and not self.reviewed_by.is_clinician:
            raise ValidationError(
                {"reviewed_by": _("Only a clinician (doctor or paediatrician) can review.")}
            )

    def review_expired(self, at=None) -> bool:
        """Whether the review no longer covers the article (it needs re-review)."""
        at = at or timezone.now()
        return self.review_expires_at is not None and self.review_expires_at <= at

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh

    def body_in(self, language: str) -> str:
        return self.body_en_md if language == "en" else self.body_zh_md


class EducationRule(models.Model):
    """Timed education (issue #15, item 5): a rule — data, edited in the admin — that sends a
    guardian the link to an article when the infant reaches an age or a state. Sent once per
    infant, rule and guardian (`EducationSent`), through the outbox at the lowest priority
    (`neocare.knowledge.education`)."""

    class Trigger(models.TextChoices):
        BIRTH = "birth", _("hours after birth")
        DISCHARGE = "discharge", _("hours after discharge from the birth hospital")
        # The day the guideline engine's prolonged-jaundice check falls for this infant's
        # feeding (DOMAIN.md: 14 days formula-fed, 21 breastfed; mixed by programme policy).
        PROLONGED_CHECK = "prolonged_check", _("hours after the prolonged-jaundice check day")
        PHOTOTHERAPY_STOPPED = "phototherapy_stopped", _("hours after phototherapy stopped")
        DANGER_SIGN = "danger_sign", _("hours after a danger sign was reported")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200)
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="rules", verbose_name=_("article")
    )
    trigger = models.CharField(_("from"), max_length=24, choices=Trigger.choices)
    after_hours = models.PositiveIntegerField(_("after (hours)"), default=0)
    # Past this the moment has gone (a day-3 stool card on day 10 teaches the wrong thing).
    within_hours = models.PositiveIntegerField(
        _("still worth sending for (hours)"),
        default=48,
        help_text=_("After this long past its time the rule is not sent at all."),
    )
    # Empty: every feeding.
    feeding = models.JSONField(_("only for feeding"), default=list, blank=True)
    # A message that teaches must not compete with a doctor's: a rule waits while the infant's
    # alert is at this level or above (it fires later if still within its window); empty:
    # it never waits. Levels: neocare.infants.models.ActionLevel (3 doctor review, 4 urgent
    # referral, 5 emergency).
    hold_while_alert_from = models.PositiveSmallIntegerField(
        _("not while an alert is at least"),
        choices=[(level.value, level.label) for level in ActionLevel if level >= 3],
        null=True,
        blank=True,
        default=4,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["trigger", "after_hours", "code"]
        verbose_name = _("education rule")
        verbose_name_plural = _("education rules")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        super().clean()
        from neocare.infants.models import Infant  # infants imports nothing of the knowledge base

        allowed = set(Infant.Feeding.values)
        if not isinstance(self.feeding, list) or not set(self.feeding) <= allowed:
            raise ValidationError(
                {
                    "feeding": _("A list of feeding codes: %(codes)s, or empty for all.")
                    % {"codes": ", ".join(sorted(allowed))}
                }
            )


class EducationSent(models.Model):
    """One rule sent to one guardian about one infant: the once-only record, the link's token
    and when the guardian opened it."""

    rule = models.ForeignKey(EducationRule, on_delete=models.PROTECT, related_name="sent")
    infant = models.ForeignKey("infants.Infant", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(
        "messaging.Message", on_delete=models.PROTECT, null=True, related_name="education"
    )
    token = models.CharField(max_length=24, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("education sent")
        verbose_name_plural = _("education sent")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "infant", "guardian"], name="education_once_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} → {self.guardian} ({self.infant_id})"
