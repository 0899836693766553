from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from neocare.knowledge import services
from neocare.knowledge.models import Article

URL = "/api/v1/articles/"


@pytest.fixture
def anonymous():
    return APIClient()


def _slugs(response) -> list[str]:
    return [article["slug"] for article in response.json()["results"]]


def _publish_starter(slugs, publish):
    for slug in slugs:
        publish(Article.objects.get(slug=slug))


def test_anonymous_list_shows_only_published_unexpired_articles(
    anonymous, make_article, publish, world
):
    make_article(slug="a-draft")
    services.article_review(
        article=make_article(slug="reviewed-only"), by=world.personas["paediatrician"]
    )
    publish(make_article(slug="published", tags=["feeding"]))
    long_ago = timezone.now() - timedelta(days=services.ARTICLE_REVIEW_VALID_DAYS + 1)
    publish(make_article(slug="expired"), at=long_ago)

    response = anonymous.get(URL)

    assert response.status_code == 200
    assert _slugs(response) == ["published"]  # the starter drafts are not served either


def test_an_article_is_served_whole_in_chinese_by_default(anonymous, make_article, publish):
    article = publish(
        make_article(
            slug="whole",
            tags=["feeding", "jaundice"],
            title_zh="喂养与黄疸",
            title_en="Feeding and jaundice",
            zh="吃得好，**大便**多。",
            en="Feed **well**.",
            source="DOMAIN.md",
        )
    )

    response = anonymous.get(f"{URL}{article.public_id}/")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert response.json() == {
        "id": str(article.public_id),
        "slug": "whole",
        "language": "zh-hans",
        "title": "喂养与黄疸",
        "html": "<p>吃得好，<strong>大便</strong>多。</p>",
        "tags": [
            {"code": "jaundice", "label": "黄疸"},
            {"code": "feeding", "label": "喂养"},
        ],
        "source": "DOMAIN.md",
        "reviewed_at": article.reviewed_at.astimezone().isoformat(),
        "review_expires_at": article.review_expires_at.astimezone().isoformat(),
        "published_at": article.published_at.astimezone().isoformat(),
    }


@pytest.mark.parametrize(
    ("query", "headers"),
    [("?lang=en", {}), ("", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"})],
)
def test_english_by_lang_or_accept_language(anonymous, make_article, publish, query, headers):
    publish(make_article(slug="en", tags=["feeding"], en="Feed **well**."))

    response = anonymous.get(URL + query, **headers)

    article = response.json()["results"][0]
    assert (article["language"], article["title"], article["html"]) == (
        "en",
        "Title",
        "<p>Feed <strong>well</strong>.</p>",
    )
    assert article["tags"] == [{"code": "feeding", "label": "Feeding"}]
    assert response["Content-Language"] == "en"


def test_lang_overrides_accept_language(anonymous, make_article, publish):
    publish(make_article(slug="zh"))

    response = anonymous.get(URL + "?lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["results"][0]["title"] == "标题"


def test_tag_filter(anonymous, starter_set, publish):
    _publish_starter(["stool-colour-card", "feeding-and-jaundice", "danger-signs"], publish)

    response = anonymous.get(URL + "?tag=danger_signs")

    assert sorted(_slugs(response)) == ["danger-signs", "stool-colour-card"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # A Chinese substring inside a sentence; the article with it in its title first.
        ("大便", ["stool-colour-card", "feeding-and-jaundice"]),
        ("比色卡", ["stool-colour-card"]),
        ("stool", ["stool-colour-card", "feeding-and-jaundice"]),
        ("STOOL", ["stool-colour-card", "feeding-and-jaundice"]),
        ("Ｓｔｏｏｌ ｃａｒｄ", ["stool-colour-card"]),  # full-width, from a Chinese keyboard
        ("母乳 水", ["feeding-and-jaundice"]),  # every term must be found
        ("feeding", ["feeding-and-jaundice", "danger-signs"]),  # title match first
        ("换血治疗", []),
    ],
)
def test_search(anonymous, starter_set, publish, q, expected):
    _publish_starter(["stool-colour-card", "feeding-and-jaundice", "danger-signs"], publish)

    response = anonymous.get(URL, {"q": q})

    assert response.status_code == 200
    assert _slugs(response) == expected


def test_search_and_tag_together(anonymous, starter_set, publish):
    _publish_starter(["stool-colour-card", "feeding-and-jaundice", "danger-signs"], publish)

    response = anonymous.get(URL, {"q": "吃奶", "tag": "danger_signs"})

    assert _slugs(response) == ["danger-signs"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?tag=weather", "tag"),
        ("?tag=", "tag"),
        ("?lang=fr", "lang"),
        ("?q=", "q"),
        ("?q=%20%20", "q"),
        ("?q=" + "黄" * 101, "q"),
        ("?q=" + "+".join("abcdefghi"), "q"),
        ("?search=x", "search"),
    ],
)
def test_bad_filters_are_400(anonymous, query, field, starter_set):
    response = anonymous.get(URL + query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_detail_refuses_an_unknown_language(anonymous, make_article, publish):
    article = publish(make_article(slug="detail"))

    response = anonymous.get(f"{URL}{article.public_id}/?lang=fr")

    assert response.status_code == 400
    assert list(response.json()) == ["lang"]


def test_detail_of_a_draft_or_expired_article_is_404(anonymous, make_article, publish):
    draft = make_article(slug="draft")
    long_ago = timezone.now() - timedelta(days=services.ARTICLE_REVIEW_VALID_DAYS + 1)
    expired = publish(make_article(slug="expired"), at=long_ago)

    for article in (draft, expired):
        response = anonymous.get(f"{URL}{article.public_id}/")
        assert response.status_code == 404
        assert list(response.json()) == ["detail"]


def test_signed_in_parents_read_it_too(client_for, world, make_article, publish):
    publish(make_article(slug="for-parents"))

    response = client_for(world.personas["guardian"]).get(URL)

    assert _slugs(response) == ["for-parents"]


def test_anonymous_calls_are_throttled(anonymous, monkeypatch, starter_set):
    rates = {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/minute"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)

    answers = [anonymous.get(URL).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_on_postgresql_the_migration_made_pg_trgm_for_ordering(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    services._trigram_available.cache_clear()

    assert services._trigram_available(connection.alias)
