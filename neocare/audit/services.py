"""Writing the audit trail. Called explicitly from services and read paths (reads fire no
signals, so signals could never audit them)."""

from collections.abc import Iterable

from neocare.audit.models import AuditEvent

# The role recorded when the system acts on its own (actor None).
SYSTEM_ROLE = "system"


def audit_record(
    *, actor, infant, action: str, object_type: str, object_id: str = "", reason: str = ""
) -> None:
    AuditEvent.objects.create(
        actor=actor,
        actor_role=actor.role if actor is not None else SYSTEM_ROLE,
        infant=infant,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
    )


def audit_record_many(*, actor, infants: Iterable, action: str, object_type: str) -> None:
    """One row per infant shown, e.g. each infant on a page of a list."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_role=actor.role,
            infant=infant,
            action=action,
            object_type=object_type,
            object_id=str(infant.public_id),
        )
        for infant in infants
    )
