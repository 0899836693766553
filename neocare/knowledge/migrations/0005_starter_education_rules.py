"""The starter set of timed-education rules (issue #15, item 5), on the starter articles.

A rule sends only once its article is published (clinically reviewed), so on a new deployment
nothing goes out until a clinician has reviewed the texts. Times are hours from the anchor:
DOMAIN.md "When to measure next" and "Urgent signs" for the moments, docs/knowledge-base.md for
the table. Idempotent by code; an edited rule is never overwritten.
"""

from django.db import migrations

# code, description, article slug, trigger, after hours, within hours, skip while alert open
RULES = [
    (
        "meter-at-discharge",
        "How to use the home meter, on the day of discharge",
        "using-the-home-meter",
        "discharge",
        0,
        24,
        False,  # measuring is what the doctor asks for during an alert too
    ),
    ("stool-card-day-3", "The stool colour card, day 3", "stool-colour-card", "birth", 72, 48, True),
    (
        "jaundice-fades-day-7",
        "When jaundice should fade, day 7",
        "how-jaundice-changes-in-the-first-weeks",
        "birth",
        168,
        48,
        True,
    ),
    (
        "stool-card-day-14",
        "The stool colour card again, day 14",
        "stool-colour-card",
        "birth",
        336,
        72,
        True,
    ),
    (
        "prolonged-jaundice-check",
        "Still yellow? On the prolonged-jaundice check day (14 days; 21 breastfed)",
        "prolonged-jaundice",
        "prolonged_check",
        0,
        72,
        True,
    ),
    (
        "after-phototherapy",
        "Rebound after phototherapy, when it stops",
        "after-phototherapy",
        "phototherapy_stopped",
        0,
        48,
        False,
    ),
    (
        "danger-signs-reported",
        "What danger signs mean, when one is reported",
        "danger-signs",
        "danger_sign",
        0,
        24,
        False,  # the emergency alert is open by then; the article explains it
    ),
]


def load(apps, schema_editor):
    Article = apps.get_model("knowledge", "Article")
    EducationRule = apps.get_model("knowledge", "EducationRule")
    articles = {a.slug: a for a in Article.objects.filter(slug__in=[r[2] for r in RULES])}
    for code, description, slug, trigger, after, within, skip in RULES:
        if slug not in articles:
            continue  # the article was removed; the rule is the admin's to make
        EducationRule.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "article": articles[slug],
                "trigger": trigger,
                "after_hours": after,
                "within_hours": within,
                "skip_while_alert_open": skip,
            },
        )


def unload(apps, schema_editor):
    EducationRule = apps.get_model("knowledge", "EducationRule")
    EducationRule.objects.filter(code__in=[r[0] for r in RULES], sent__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_education_rules")]

    operations = [migrations.RunPython(load, unload)]
