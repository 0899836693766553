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
