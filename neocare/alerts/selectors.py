"""Who sees which alert and referral: built on `infants_visible_to`, never beside it."""

from django.db.models import QuerySet

from neocare.alerts.models import Alert, Referral
from neocare.infants.selectors import infants_visible_to
from neocare.network.models import User


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    """The triage queue is for community and district doctors, over their infants."""
    if getattr(user, "role", None) not in (User.Role.COMMUNITY_DOCTOR, User.Role.DISTRICT_DOCTOR):
        return Alert.objects.none()
    return Alert.objects.filter(infant__in=infants_visible_to(user))


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    role = getattr(user, "role", None)
    if role == User.Role.PAEDIATRICIAN:
        return Referral.objects.filter(hospital_id=user.facility_id)
    if role in (User.Role.COMMUNITY_DOCTOR, User.Role.DISTRICT_DOCTOR):
        return Referral.objects.filter(infant__in=infants_visible_to(user))
    return Referral.objects.none()
