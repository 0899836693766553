import importlib

from django.apps import apps

from neocare.knowledge.models import Article, Tag


def test_the_starter_set_has_twelve_drafts_covering_every_tag_each_with_a_source(starter_set):
    articles = list(starter_set.prefetch_related("tags"))

    assert len(articles) >= 12
    assert {tag.code for article in articles for tag in article.tags.all()} == set(Tag.Code)
    for article in articles:
        assert article.status == Article.Status.DRAFT
        assert article.reviewed_by is None
        assert "DOMAIN.md" in article.source or "AAP 2022" in article.source
        assert article.tags.exists()
        assert all([article.title_zh, article.title_en, article.body_zh_md, article.body_en_md])
        assert article.search_text  # searchable once published


def test_the_eight_tags_have_both_labels(starter_set):
    assert sorted(Tag.objects.values_list("code", flat=True)) == sorted(Tag.Code)
    assert all(tag.name_zh and tag.name_en for tag in Tag.objects.all())


def test_the_migration_s_search_text_is_what_the_service_makes(starter_set):
    from neocare.knowledge.services import search_text_of

    for article in starter_set:
        assert article.search_text == search_text_of(article)


def test_loading_again_changes_nothing(starter_set):
    from django.apps import apps

    from tests.knowledge.conftest import starter

    edited = starter_set.get(slug="danger-signs")
    edited.title_en = "Edited by the author"
    edited.save()

    starter.load_starter_set(apps, None)

    assert starter_set.count() == len(starter.ARTICLES)
    assert starter_set.get(slug="danger-signs").title_en == "Edited by the author"


def test_the_danger_signs_draft_names_every_sign_and_calls_120_for_seizures(starter_set):
    second = importlib.import_module("neocare.knowledge.migrations.0006_danger_signs_article_v2")
    second.second_draft(apps, None)
    article = starter_set.get(slug="danger-signs")
    assert article.status == "draft"  # still awaiting clinical review
    assert "发紫" in article.body_zh_md and "blue lips" in article.body_en_md
    assert "抽搐或发紫：请立即拨打 120" in article.body_zh_md
    assert "发紫" in article.search_text
    # An edited draft is someone's work: left alone.
    article.body_zh_md = "编辑过的文字"
    article.save()
    second.second_draft(apps, None)
    article.refresh_from_db()
    assert article.body_zh_md == "编辑过的文字"
