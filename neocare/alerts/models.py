"""Alerts to the community centre when an assessment asks for a doctor, and referrals to a
tertiary hospital."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neocare.infants.models import ActionLevel, Assessment, Infant
from neocare.network.models import Facility

ACTIVE = ("open", "acknowledged")


class Alert(models.Model):
    """One episode of concern about one infant, from the first assessment at "community doctor
    review" or worse until a doctor resolves it. A worse assessment raises its severity."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")

    class Outcome(models.TextChoices):
        MEASURED_FINE = "measured_fine", _("measured again and fine")
        REFERRED = "referred", _("referred to hospital")
        UNREACHABLE = "parents_unreachable", _("parents unreachable")
        OTHER = "other", _("other")

    class Escalation(models.IntegerChoices):
        CENTRE = 0, _("community centre")
        DISTRICT = 1, _("district centre")
        REGION = 2, _("region on-call")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="alerts")
    # The centre that must act: the infant's registered centre when the alert opened.
    centre = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="alerts")
    severity = models.CharField(max_length=16, choices=ActionLevel.code_choices())
    severity_level = models.PositiveSmallIntegerField(choices=ActionLevel.choices)
    # The latest assessment that opened or raised the alert.
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    # When the current severity was reached: the escalation clock runs from here.
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalation_level = models.PositiveSmallIntegerField(
        choices=Escalation.choices, default=Escalation.CENTRE
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            # One episode at a time per infant: a worse reading raises the open alert instead of
            # opening a second (alert_raise relies on it when two readings race).
            models.UniqueConstraint(
                fields=["infant"],
                condition=Q(status__in=ACTIVE),
                name="alert_one_active_per_infant",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(outcome=""),
                name="alert_resolved_has_outcome",
            ),
        ]
        indexes = [
            # The triage queue and the escalation sweep: unresolved, most urgent, oldest first.
            models.Index(fields=["status", "-severity_level", "raised_at"], name="alert_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.severity} alert for {self.infant} ({self.status})"


class Referral(models.Model):
    """An infant sent to a tertiary hospital; its paediatricians update it to the outcome."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        ARRIVED = "arrived", _("arrived")
        TREATED = "treated", _("treatment given")
        CLOSED = "closed", _("closed")

    class Treatment(models.TextChoices):
        PHOTOTHERAPY = "phototherapy", _("phototherapy")
        EXCHANGE_TRANSFUSION = "exchange_transfusion", _("exchange transfusion")
        NONE = "none", _("no treatment")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="referrals")
    alert = models.ForeignKey(
        Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    hospital = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="referrals")
    # Null when the system referred on its own (an emergency).
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    # The outcome the risk model will learn from (issue #4's retraining).
    treatment = models.CharField(max_length=24, choices=Treatment.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="treated") | ~Q(treatment=""),
                name="referral_treated_has_treatment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.infant} → {self.hospital} ({self.status})"


class Call(models.Model):
    """A doctor's call to the parents about an infant (issue #7): reached or not, and what was
    said. Kept on the record; audited like every change."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="calls")
    alert = models.ForeignKey(
        Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reached = models.BooleanField(_("parents reached"))
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"call about {self.infant} ({'reached' if self.reached else 'not reached'})"
