from neocare.knowledge.models import Article


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


def test_education_rules_are_edited_in_the_admin_and_a_bad_feeding_is_refused(
    staff_client, starter_set
):
    import importlib

    from django.apps import apps

    from neocare.knowledge.models import EducationRule

    importlib.import_module("neocare.knowledge.migrations.0005_starter_education_rules").load(
        apps, None
    )
    listing = staff_client.get("/admin/knowledge/educationrule/")
    assert listing.status_code == 200
    assert "stool-card-day-3" in listing.content.decode()

    rule = EducationRule.objects.get(code="stool-card-day-3")
    form = {
        "code": rule.code,
        "description": rule.description,
        "article": rule.article_id,
        "trigger": rule.trigger,
        "after_hours": 72,
        "within_hours": 48,
        "feeding": '["bottle"]',
        "hold_while_alert_from": "4",
        "active": "on",
    }
    refused = staff_client.post(f"/admin/knowledge/educationrule/{rule.pk}/change/", form)
    assert refused.status_code == 200 and "feeding codes" in refused.content.decode()
    form["feeding"] = '["formula"]'
    saved = staff_client.post(f"/admin/knowledge/educationrule/{rule.pk}/change/", form)
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert rule.feeding == ["formula"]
