from django.db.models import QuerySet

from neocare.audit.models import AuditEvent
from neocare.network.models import User


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """District doctors see their district's trail, administrators their region's; no one else.

    An event with no infant (none exist yet) is visible to no one through this path.
    """
    events = AuditEvent.objects.select_related("actor", "infant")
    role = getattr(user, "role", None)  # anonymous users have no role
    if role == User.Role.DISTRICT_DOCTOR:
        return events.filter(infant__registered_centre__district_id=user.facility.district_id)
    if role == User.Role.HEALTH_ADMIN:
        return events.filter(infant__registered_centre__district__region_id=user.region_id)
    return events.none()
