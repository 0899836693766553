"""Articles on /m/: published only, searchable, readable without signing in."""

import pytest
from django.test import Client

from tests.knowledge.conftest import make_article, publish, starter_set  # noqa: F401
from tests.parents_web.test_pages import light_and_local


@pytest.fixture
def published(make_article, publish):  # noqa: F811
    article = make_article(
        slug="pw-sunlight",
        title_zh="晒太阳不能治疗黄疸",
        title_en="Sunlight does not treat jaundice",
        zh="## 为什么\n\n晒太阳**不能**代替光疗。",
        en="## Why\n\nSunlight is **no** substitute for phototherapy.",
    )
    return publish(article)


def test_articles_anonymously_in_chinese(published, make_article):  # noqa: F811
    draft = make_article(slug="pw-draft", title_zh="草稿文章", title_en="Draft")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    listing = client.get("/m/articles/")
    light_and_local(listing)
    text = listing.content.decode()
    assert "晒太阳不能治疗黄疸" in text and draft.title_zh not in text

    page = client.get(f"/m/articles/{published.public_id}/")
    light_and_local(page)
    assert "<strong>不能</strong>" in page.content.decode()
    assert client.get(f"/m/articles/{draft.public_id}/").status_code == 404


def test_search(published):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    found = client.get("/m/articles/", {"q": "光疗"}).content.decode()
    assert "晒太阳不能治疗黄疸" in found
    missing = client.get("/m/articles/", {"q": "疫苗接种时间表"}).content.decode()
    assert "晒太阳不能治疗黄疸" not in missing
    too_long = client.get("/m/articles/", {"q": "x" * 500})
    assert too_long.status_code == 200 and 'class="error"' in too_long.content.decode()
