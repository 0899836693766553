from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from neocare.knowledge import services
from neocare.knowledge.models import Article


def test_a_new_article_is_a_draft_with_no_review(make_article):
    article = make_article(slug="new")

    assert article.status == Article.Status.DRAFT
    assert (article.reviewed_by, article.reviewed_at, article.published_at) == (None, None, None)


@pytest.mark.parametrize("role", ["community_doctor", "district_doctor", "paediatrician"])
def test_a_clinician_review_marks_it_reviewed_for_a_year(make_article, world, role):
    article = make_article(slug="reviewed")
    at = timezone.now()

    services.article_review(article=article, by=world.personas[role], at=at)

    article.refresh_from_db()
    assert article.status == Article.Status.REVIEWED
    assert article.reviewed_by == world.personas[role]
    assert article.reviewed_at == at
    assert article.review_expires_at == at + timedelta(days=services.ARTICLE_REVIEW_VALID_DAYS)


@pytest.mark.parametrize("role", ["guardian", "health_admin"])
def test_a_non_clinician_cannot_review(make_article, world, role):
    article = make_article(slug="not-reviewed")

    with pytest.raises(ValidationError) as error:
        services.article_review(article=article, by=world.personas[role])

    assert "reviewed_by" in error.value.message_dict
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.reviewed_by is None


def test_a_non_clinician_cannot_be_named_reviewer_in_the_form(make_article, world):
    article = make_article(slug="named")
    article.reviewed_by = world.personas["health_admin"]

    with pytest.raises(ValidationError) as error:
        services.article_save(article=article)

    assert "reviewed_by" in error.value.message_dict


def test_publishing_without_a_review_is_refused(make_article):
    article = make_article(slug="unreviewed")

    with pytest.raises(ValidationError):
        services.article_publish(article=article)

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


def test_publishing_after_the_review_expired_is_refused(make_article, world):
    article = make_article(slug="stale")
    long_ago = timezone.now() - timedelta(days=services.ARTICLE_REVIEW_VALID_DAYS + 1)
    services.article_review(article=article, by=world.personas["paediatrician"], at=long_ago)

    with pytest.raises(ValidationError):
        services.article_publish(article=article)

    article.refresh_from_db()
    assert article.status == Article.Status.REVIEWED


def test_a_reviewed_article_can_be_published(make_article, publish):
    article = publish(make_article(slug="ok"))

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None


@pytest.mark.parametrize("field", ["body_zh_md", "body_en_md", "title_zh", "title_en"])
def test_editing_a_published_text_sends_it_back_to_draft(make_article, publish, field):
    article = publish(make_article(slug="edited"))
    reviewer = article.reviewed_by

    setattr(article, field, getattr(article, field) + " 改动 changed")
    services.article_save(article=article)

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert (article.reviewed_at, article.review_expires_at, article.published_at) == (
        None,
        None,
        None,
    )
    assert article.reviewed_by == reviewer  # named again for the new review
    assert "changed" in article.search_text


def test_changing_only_the_source_keeps_the_review(make_article, publish):
    article = publish(make_article(slug="source"))

    article.source = "AAP 2022, supplement table 1"
    services.article_save(article=article)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_an_expired_review_shows_as_needs_re_review(make_article, publish):
    article = publish(make_article(slug="expiring"))
    later = article.review_expires_at + timedelta(minutes=1)

    with translation.override("en"):
        assert services.review_state(article, later) == "needs re-review (review expired)"
        assert services.review_state(article) == "published"
    with translation.override("zh-hans"):
        assert services.review_state(article, later) == "需重新审核（审核已过期）"


def test_a_re_review_renews_a_published_article(make_article, world, publish):
    long_ago = timezone.now() - timedelta(days=services.ARTICLE_REVIEW_VALID_DAYS + 1)
    article = publish(make_article(slug="renewed"), at=long_ago)

    services.article_review(article=article, by=world.personas["community_doctor"])

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert not article.review_expired()


def test_withdrawing_takes_it_back_to_draft(make_article, publish):
    article = services.article_withdraw(article=publish(make_article(slug="withdrawn")))

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
