"""The follow-up plan: what was asked of whom, by when and why, kept until it is answered.

An assessment speaks of one moment; a request outlives it. A later event may add a request or
tighten one (an earlier due time, a higher level); only the evidence a request asked for, or a
clinician with a reason, ends it (docs/clinical-rules.md § "The follow-up plan").
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neocare.infants.models import ActionLevel, Assessment, Infant, Reading


class Request(models.Model):
    class Kind(models.TextChoices):
        # Serum bilirubin: only a laboratory TSB answers it (or the hospital, which measures it).
        TSB = "tsb", _("blood test (serum bilirubin)")
        # A doubtful value: a TSB settles it, a repeat of the same kind confirms it.
        CONFIRM = "confirm", _("confirm a doubtful value")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered by the evidence asked for")
        TIGHTENED = "tightened", _("replaced by a tighter request")
        CLOSED = "closed", _("closed by a clinician")
        # The infant's follow-up ended (completed, moved, died, declined): not a decision about
        # the blood test, so taking follow-up up again asks anew what the record asks.
        FOLLOW_UP_ENDED = "follow_up_ended", _("ended with the follow-up")

    class Answer(models.TextChoices):
        TSB = "tsb", _("a serum bilirubin (TSB)")
        REPEAT = "repeat", _("a repeat that confirms the value")
        MEASUREMENT = "measurement", _("a new measurement")
        HOSPITAL = "hospital", _("the hospital received the infant")
        PHOTOTHERAPY = "phototherapy", _("phototherapy started")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The level the request holds while it is open (the engine's floor).
    action_level = models.PositiveSmallIntegerField(choices=ActionLevel.choices)
    # The moment of the evidence that asked for it: what is measured from then on answers it.
    raised_at = models.DateTimeField()
    # Due window; `due_at` None when the hospital measures now.
    window_start_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # The engine's codes of what asked for it (first_24_hours, rapid_rise, …).
    reasons = models.JSONField(default=list)
    # For a doubtful value: its summary as the engine wrote it (value, method, why).
    detail = models.JSONField(default=dict)
    # The doubtful reading a CONFIRM request is about.
    reading = models.ForeignKey(
        Reading, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    answered_by = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    answered_by_reading = models.ForeignKey(
        Reading, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tightened_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One open blood-test request per infant: a new ask tightens it or leaves it
            # (plan_update relies on it when two events race).
            models.UniqueConstraint(
                fields=["infant"],
                condition=Q(status="open", kind="tsb"),
                name="request_one_open_tsb_per_infant",
            ),
            # One request per doubtful reading.
            models.UniqueConstraint(
                fields=["reading"], condition=Q(kind="confirm"), name="request_one_per_reading"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=("closed", "follow_up_ended")) | ~Q(close_reason=""),
                name="request_closed_has_reason",
            ),
        ]
        indexes = [
            # Every assessment reads the infant's open requests.
            models.Index(fields=["infant", "status"], name="request_infant_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} request for {self.infant} ({self.status})"
