import importlib

import pytest
from django.apps import apps

from neocare.knowledge import services
from neocare.knowledge.models import Article, Tag

starter = importlib.import_module("neocare.knowledge.migrations.0003_tags_and_starter_articles")


@pytest.fixture
def starter_set(db):
    """The tags and starter articles as the migration makes them. Loaded again here because a
    transactional test elsewhere in the run may have flushed the migration's rows."""
    starter.load_starter_set(apps, None)
    return Article.objects.filter(slug__in=[entry["slug"] for entry in starter.ARTICLES])


@pytest.fixture
def make_article(starter_set):
    def make(*, slug, tags=(), title_zh="标题", title_en="Title", zh="正文", en="Text", **fields):
        article = Article(
            slug=slug,
            title_zh=title_zh,
            title_en=title_en,
            body_zh_md=zh,
            body_en_md=en,
            source=fields.pop("source", "DOMAIN.md"),
            **fields,
        )
        services.article_save(article=article)
        article.tags.set(Tag.objects.filter(code__in=tags))
        return article

    return make


@pytest.fixture
def publish(world):
    """Review (by the world's paediatrician) and publish an article, at `at` if given."""

    def publish(article, at=None):
        services.article_review(article=article, by=world.personas["paediatrician"], at=at)
        return services.article_publish(article=article, at=at)

    return publish
