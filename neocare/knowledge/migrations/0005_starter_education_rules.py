"""The starter set of timed-education rules (issue #15, item 5), on the starter articles.

A rule sends only once its article is published (clinically reviewed), so on a new deployment
nothing goes out until a clinician has reviewed the texts. Times are hours from the anchor:
DOMAIN.md "When to measure next" and "Urgent signs" for the moments, docs/knowledge-base.md for
the table. Idempotent by code; an edited rule is never overwritten.
"""

from django.db import migrations

# Alert levels that hold a rule back (neocare.infants.models.ActionLevel).
DOCTOR_REVIEW, URGENT_REFERRAL = 3, 4

# code, description, article slug, trigger, after hours, within hours, held from alert level
RULES = [
    (
        "meter-at-discharge",
        "How to use the home meter, on the day of discharge",
        "using-the-home-meter",
        "discharge",
        0,
        24,
        URGENT_REFERRAL,  # "measure at home" must not read as "instead of the hospital"
    ),
    (
        "stool-card-day-3",
        "The stool colour card, day 3",
        "stool-colour-card",
        "birth",
        72,
        48,
        URGENT_REFERRAL,
    ),
    (
        "jaundice-fades-day-7",
        "When jaundice should fade, day 7",
        "how-jaundice-changes-in-the-first-weeks",
        "birth",
        168,
        48,
        DOCTOR_REVIEW,  # "it fades" must not meet a doctor's "let me see the baby"
    ),
    (
        "stool-card-day-14",
        "The stool colour card again, day 14",
        "stool-colour-card",
        "birth",
        336,
        72,
        URGENT_REFERRAL,
    ),
    (
        "prolonged-jaundice-check",
        "Still yellow? On the prolonged-jaundice check day (14 days; 21 breastfed)",
        "prolonged-jaundice",
        "prolonged_check",
        0,
        72,
        URGENT_REFERRAL,
    ),
    (
        # Biliary atresia often shows at 2–6 weeks; surgery before about 60 days (DOMAIN.md).
        "stool-card-day-28",
        "The stool colour card once more, day 28",
        "stool-colour-card",
        "birth",
        672,
        72,
        URGENT_REFERRAL,
    ),
    (
        "after-phototherapy",
        "Rebound after phototherapy, when it stops",
        "after-phototherapy",
        "phototherapy_stopped",
        0,
        48,
        None,  # the rebound article explains the follow-up the alert is about
    ),
    (
        "danger-signs-reported",
        "What danger signs mean, when one is reported",
        "danger-signs",
        "danger_sign",
        0,
        24,
        None,  # the emergency alert is open by then; the article explains it
    ),
]


def load(apps, schema_editor):
    Article = apps.get_model("knowledge", "Article")
    EducationRule = apps.get_model("knowledge", "EducationRule")
    articles = {a.slug: a for a in Article.objects.filter(slug__in=[r[2] for r in RULES])}
    for code, description, slug, trigger, after, within, hold in RULES:
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
                "hold_while_alert_from": hold,
            },
        )


def unload(apps, schema_editor):
    EducationRule = apps.get_model("knowledge", "EducationRule")
    EducationRule.objects.filter(code__in=[r[0] for r in RULES], sent__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_education_rules")]

    operations = [migrations.RunPython(load, unload)]
