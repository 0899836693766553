"""What a signed-in parent reads on /m/: built on the one visibility selector."""

from django.db.models import QuerySet

from neocare.infants.models import Infant, Reading
from neocare.infants.selectors import infants_visible_to
from neocare.network.models import User


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
