"""What a signed-in parent reads on /m/: built on the one visibility selector."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from neocare.followup.services import plan_of
from neocare.infants.assessments import assessment_latest
from neocare.infants.models import ActionLevel, Assessment, Infant, Reading
from neocare.infants.selectors import infants_visible_to
from neocare.network.models import User
from neocare.network.places import nearest_hospital


def my_infants(guardian: User) -> QuerySet[Infant]:
    """The guardian's infants whose consent holds. One filter() call, so both conditions apply
    to the same guardianship row (not "linked to me" and "someone's consent holds")."""
    return (
        infants_visible_to(guardian)
        .filter(guardianships__guardian=guardian, guardianships__consent_withdrawn_at__isnull=True)
        .distinct()
        .order_by("birth_at", "id")
    )


def reading_sent_with(guardian: User, infant: Infant, key: str) -> Reading | None:
    """The reading this parent already saved from the form carrying `key`, if any."""
    return infant.readings.filter(entered_by=guardian, idempotency_key=key).first()


def advice_box(infant: Infant, assessment: Assessment | None, language: str) -> dict:
    """The advice as a parent must read it: urgent and emergency advice marked urgent, naming
    the hospital (the one the infant is referred to, else the nearest) with its address, and
    120 to call where an emergency is advised (issue #26)."""
    if assessment is None:
        return {}
    box = {
        "text": assessment.result["advice"][language],
        "urgent": assessment.level >= ActionLevel.URGENT_REFERRAL,
        "emergency": assessment.level >= ActionLevel.EMERGENCY,
    }
    if box["urgent"]:
        referral = (
            infant.referrals.exclude(status="closed")
            .select_related("hospital")
            .order_by("-created_at")
            .first()
        )
        try:
            box["hospital"] = (
                referral.hospital if referral else nearest_hospital(infant.registered_centre)
            )
        except ValidationError:  # no hospital registered: the advice still stands
            box["hospital"] = None
    return box


def my_card_plan(infant: Infant, language: str) -> dict:
    """The latest advice and what the plan still asks, for the infant's card on /m/."""
    return {
        "box": advice_box(infant, assessment_latest(infant), language),
        "plan": plan_of(infant, ended=0)["open"],
    }
