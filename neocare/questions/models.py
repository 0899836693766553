"""Parents' questions to their community doctor (issue #15, item 6): asked in the app about one
infant, answered by a doctor of the infant's centre (or at once by the system, with the
emergency advice, when the question names a danger sign)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neocare.infants.models import Infant, Observation
from neocare.photos.models import Photo

QUESTION_MAX_CHARS = 1000


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    class Escalation(models.IntegerChoices):
        CENTRE = 0, _("community centre")
        DISTRICT = 1, _("district centre")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("question"), max_length=QUESTION_MAX_CHARS)
    # Uploaded first through the photo endpoint (sanitised there); of the same infant.
    photo = models.ForeignKey(
        Photo, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    answer_due_at = models.DateTimeField(_("answer due by"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    # None with `answered_at` set: the system answered (a danger sign: the emergency advice).
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        choices=Escalation.choices, default=Escalation.CENTRE
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The danger words found in the text (neocare.questions.danger), and the observation of the
    # danger signs they name, recorded so that the guideline engine assesses it (one path).
    danger = models.BooleanField(default=False)
    danger_words = models.JSONField(default=list, blank=True)
    # Danger words found only negated ("没有抽搐"): mentioned, unconfirmed — a doctor's call
    # today, never recorded as the sign (issue #26).
    mentioned_words = models.JSONField(default=list, blank=True)
    # Words that ask a doctor's answer today (danger.DOCTOR_TODAY_WORDS).
    today_words = models.JSONField(default=list, blank=True)
    observation = models.ForeignKey(
        Observation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            # A phone on a flaky connection resends: the first question is kept (question_ask).
            models.UniqueConstraint(
                fields=["asked_by", "idempotency_key"], name="question_idempotency_key"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(answered_at__isnull=False),
                name="question_answered_has_time",
            ),
        ]
        indexes = [
            # The escalation sweep: open questions past their deadline.
            models.Index(fields=["status", "answer_due_at"], name="question_due"),
            models.Index(fields=["infant", "created_at"], name="question_infant_time"),
        ]

    def __str__(self) -> str:
        return f"question about {self.infant} ({self.status})"

    @property
    def doctor_today(self) -> bool:
        """Not an emergency, but a doctor answers today (and at once hears of it)."""
        return not self.danger and bool(self.mentioned_words or self.today_words)

    @property
    def answered_by_system(self) -> bool:
        return self.answered_at is not None and self.answered_by_id is None

    def is_overdue(self, now=None) -> bool:
        return self.status == self.Status.OPEN and self.answer_due_at <= (now or timezone.now())
