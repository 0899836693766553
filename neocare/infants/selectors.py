"""Who sees which infant: the one place the role switch is written.

Every path to an infant's record (API, nested routes, exports, admin) starts from
`infants_visible_to(user)`; readings and observations build on it. Out of scope means absent,
so callers answer 404, never 403.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from neocare.infants.models import Infant
from neocare.network.models import User


def infants_visible_to(user: User) -> QuerySet[Infant]:
    infants = Infant.objects.all()
    match getattr(user, "role", None):  # anonymous users have no role
        case User.Role.GUARDIAN:
            return infants.filter(guardianships__guardian=user)
        case User.Role.COMMUNITY_DOCTOR:
            return infants.filter(registered_centre_id=user.facility_id)
        case User.Role.DISTRICT_DOCTOR:
            return infants.filter(registered_centre__district_id=user.facility.district_id)
        case User.Role.PAEDIATRICIAN:
            # Infants delivered at their hospital or referred to it, plus those opened by a
            # live, audited break-glass grant.
            live_grant = Q(
                pk__in=user.break_glass_grants.filter(expires_at__gt=timezone.now()).values(
                    "infant_id"
                )
            )
            referred = Q(referrals__hospital_id=user.facility_id)
            return infants.filter(
                Q(delivering_hospital_id=user.facility_id) | referred | live_grant
            ).distinct()
        case User.Role.HOSPITAL_SYSTEM:
            # Issue #16: infants delivered at its facility, registered there, or referred there.
            return infants.filter(
                Q(delivering_hospital_id=user.facility_id)
                | Q(registered_centre_id=user.facility_id)
                | Q(referrals__hospital_id=user.facility_id)
            ).distinct()
        case _:
            # Health administrators see aggregates only; unknown roles see nothing.
            return infants.none()
