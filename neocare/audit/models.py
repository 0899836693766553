"""Append-only audit trail: who read or changed which infant's record, when, and why."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view"
        LIST = "list"
        CREATE = "create"
        UPDATE = "update"
        LINK_GUARDIAN = "link_guardian"
        BREAK_GLASS = "break_glass"
        # A risk model signed off and put to serving, or rolled back (neocare.riskmodels).
        PROMOTE_MODEL = "promote_model"
        ROLLBACK_MODEL = "rollback_model"

    at = models.DateTimeField(auto_now_add=True)
    # Null for what the system did on its own (an escalation sweep, an automatic referral).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Copied, not joined: the role at the time of the event, even if the account changes later.
    actor_role = models.CharField(max_length=32)
    # Not indexed alone: audit_infant_at (infant first) serves every lookup by infant.
    infant = models.ForeignKey(
        "infants.Infant", on_delete=models.PROTECT, related_name="+", null=True, db_index=False
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    # What was touched, e.g. "reading" and its public id.
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            # District doctors and administrators read the trail newest first, by infant scope.
            models.Index(fields=["infant", "-at"], name="audit_infant_at"),
            models.Index(fields=["-at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        # Append-only: an existing row is never rewritten.
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")
