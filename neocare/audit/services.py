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


def audit_view(*, actor, infant, what: str, object_id=None) -> None:
    """The one way every read of an infant's identifiable record is recorded: who, their role,
    which part (`what`: "infant", "readings", "photo", "alert", "console_record", …)."""
    audit_record(
        actor=actor,
        infant=infant,
        action=AuditEvent.Action.VIEW,
        object_type=what,
        object_id=infant.public_id if object_id is None else object_id,
    )


def audit_list(*, actor, infants: Iterable, what: str) -> None:
    """A list that shows these infants (names, clinical state): one row per infant shown."""
    audit_record_many(actor=actor, infants=infants, action=AuditEvent.Action.LIST, object_type=what)
