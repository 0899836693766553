"""The outbox: every SMS-style message is a row first, written with the event that caused it,
and sent afterwards by a Celery task. Nothing is lost when the broker is down."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("accepted by the gateway")
        # The gateway call timed out: it may or may not have gone. Never resent blindly; the
        # delivery receipt settles it.
        UNKNOWN = "unknown", _("outcome unknown")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")
        # Not sent by rule (consent withdrawn, opted out); kept so the record shows why.
        SUPPRESSED = "suppressed", _("not sent")
        # Folded into another message to the same number (daily budget).
        MERGED = "merged", _("merged into another message")
        # No longer true when its turn came (a newer result was given, the plan asks more
        # now): kept so the record shows what was not said, never sent.
        WITHDRAWN = "withdrawn", _("withdrawn: no longer true")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages"
    )
    phone = models.CharField(max_length=20)  # E.164 at the time of writing
    language = models.CharField(max_length=8)
    template = models.CharField(max_length=32)
    params = models.JSONField(default=dict)
    infant = models.ForeignKey(
        "infants.Infant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The assessment a parent's message speaks for (a result, a reminder): at send time a
    # message the infant's newer assessments have overtaken is withdrawn. No index: read only
    # with the message itself.
    assessment = models.ForeignKey(
        "infants.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    urgent = models.BooleanField(default=False)
    # Education (timed articles): the lowest priority. Sent only while the day's budget keeps
    # SMS_EDUCATION_HEADROOM messages free for clinical ones, at most SMS_EDUCATION_PER_DAY a
    # day, last in every queue, and always alone (never merged with a clinical message).
    low_priority = models.BooleanField(default=False)
    # Set by the caller so the same event never writes two messages (e.g. "reminder:<id>:1").
    dedupe_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Not before this instant (quiet hours, the next day's budget).
    not_before = models.DateTimeField()
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=64, blank=True)  # why suppressed or failed
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The sweeper and the dispatcher: what is due, urgent first.
            models.Index(fields=["status", "not_before"], name="message_due"),
            models.Index(fields=["phone", "sent_at"], name="message_phone_day"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.phone} ({self.status})"

    @property
    def template_label(self) -> str:
        """What a person calls this message (the console shows it, never the code)."""
        from neocare.messaging.templates import TEMPLATES  # templates know nothing of models

        return str(TEMPLATES[self.template].label)


class PhoneOptOut(models.Model):
    """A number that replied TD/STOP: it receives nothing but the confirmation."""

    phone = models.CharField(max_length=20, unique=True)
    opted_out_at = models.DateTimeField(auto_now_add=True)
    keyword = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"{self.phone} opted out ({self.keyword})"


class PhoneDay(models.Model):
    """Messages handed to the gateway per number and local day: the provider's daily budget.
    The row is locked while a send decides whether the budget allows it."""

    phone = models.CharField(max_length=20)
    day = models.DateField()
    sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone", "day"], name="phoneday_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.day}: {self.sent}"


class Reminder(models.Model):
    """A measurement the guideline asked for, due at `due_at`; cancelled by the next reading."""

    class Status(models.TextChoices):
        PENDING = "pending"
        FIRST_SENT = "first_sent"
        DONE = "done"  # second reminder sent and the doctor told
        CANCELLED = "cancelled"

    class Kind(models.TextChoices):
        """What is due (the assessment's `next_measurement_kind`): the reminder says so."""

        MEASUREMENT = "measurement"  # a meter reading or a blood test
        TSB = "tsb"  # a blood test
        PROLONGED_CHECK = "prolonged_check"  # see the doctor then, if still yellow

    infant = models.ForeignKey("infants.Infant", on_delete=models.CASCADE, related_name="+")
    assessment = models.OneToOneField(
        "infants.Assessment", on_delete=models.CASCADE, related_name="reminder"
    )
    due_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEASUREMENT)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The dispatcher reads due reminders in batches.
            models.Index(fields=["status", "due_at"], name="reminder_due"),
        ]

    def __str__(self) -> str:
        return f"reminder for {self.infant} due {self.due_at:%Y-%m-%d %H:%M} ({self.status})"
