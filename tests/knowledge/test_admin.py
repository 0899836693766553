import pytest
from django.test import Client
from django_otp.admin import OTPAdminSite

from neocare.knowledge.models import Article
from tests.factories import UserFactory


@pytest.fixture
def staff_client(db, monkeypatch):
    # The second factor has its own tests (tests/network/test_two_factor.py).
    monkeypatch.setattr(
        OTPAdminSite, "has_permission", lambda self, r: r.user.is_active and r.user.is_staff
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=""))
    return client


def _act(client, action, article):
    return client.post(
        "/admin/knowledge/article/",
        {"action": action, "_selected_action": [article.pk]},
        follow=True,
    )


def test_review_publish_and_edit_through_the_admin(staff_client, starter_set, world):
    article = starter_set.get(slug="danger-signs")

    listing = staff_client.get("/admin/knowledge/article/?review=needs_review")
    assert listing.status_code == 200
    assert "draft — needs clinical review" in listing.content.decode()

    # The superuser is no clinician: without a named reviewer the review is refused.
    _act(staff_client, "record_review", article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    article.reviewed_by = world.personas["paediatrician"]
    article.save()
    _act(staff_client, "record_review", article)
    _act(staff_client, "publish", article)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    page = staff_client.get(f"/admin/knowledge/article/{article.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["tags"] = [tag.pk for tag in article.tags.all()]
    data["body_en_md"] += "\n\nOne more sentence."
    answer = staff_client.post(f"/admin/knowledge/article/{article.pk}/change/", data, follow=True)

    assert answer.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert "back to draft" in answer.content.decode()
