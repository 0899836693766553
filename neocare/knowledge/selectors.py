"""What the public may read: published articles whose clinical review still holds."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from neocare.knowledge.models import Article, Tag


def articles_public(*, at: datetime | None = None) -> QuerySet[Article]:
    """Published articles with an unexpired review, newest first. Drafts, reviewed-but-unpublished
    articles and those whose review has expired ("needs re-review") are never served."""
    at = at or timezone.now()
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, review_expires_at__gt=at)
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("id")))
        .order_by("-published_at", "id")
    )
