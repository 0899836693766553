"""Skin photos: stored sanitised, under a random name, outside any public URL."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from neocare.infants.models import Infant


class Photo(models.Model):
    class BodySite(models.TextChoices):
        FOREHEAD = "forehead", _("forehead")
        STERNUM = "sternum", _("sternum")
        SCLERA = "sclera", _("sclera (white of the eye)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received, being analysed")
        USABLE = "usable", _("usable: estimate made")
        UNUSABLE = "unusable", _("unusable: please retake")
        # No estimate could be made for a reason that is ours, not the parent's (no estimator
        # loaded, the analysis failed): nothing is claimed and the error is logged.
        NOT_ESTIMATED = "not_estimated", _("no estimate could be made")

    class Problem(models.TextChoices):
        # The quality gate's reasons (risk_model.photo.analyse): the one thing to fix.
        CARD_TOO_SMALL = "card_too_small", _("the card is too small in the photo")
        OVEREXPOSED = "overexposed", _("the photo is too bright")
        CARD_NOT_FOUND = "card_not_found", _("the card is not where the app marked it")
        BLURRED = "blurred", _("the photo is blurred")
        UNDEREXPOSED = "underexposed", _("the photo is too dark")
        NO_SKIN = "no_skin", _("no skin shows through the card's window")
        ESTIMATOR_UNAVAILABLE = "estimator_unavailable", _("no photo estimator is loaded")
        ANALYSIS_FAILED = "analysis_failed", _("the analysis failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="photos")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken at"))
    body_site = models.CharField(max_length=16, choices=BodySite.choices)
    # The calibration card's rectangle as the app reports it, normalised 0–1: x, y, width, height.
    card_rect = models.JSONField()
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    problem = models.CharField(max_length=24, choices=Problem.choices, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    # The skin seen through the card's window after colour correction, CIELAB [L*, a*, b*].
    skin_lab = models.JSONField(null=True, blank=True)
    # A screening estimate with its band, never a measurement (DOMAIN.md).
    estimate_mg_dl = models.FloatField(null=True, blank=True)
    estimate_low_mg_dl = models.FloatField(null=True, blank=True)
    estimate_high_mg_dl = models.FloatField(null=True, blank=True)
    estimator_version = models.CharField(max_length=80, blank=True)
    # Random file name under PHOTO_STORAGE_DIR; never derived from anything the client sent.
    storage_name = models.CharField(max_length=64, unique=True)
    # SHA-256 of the bytes as uploaded (the original itself is never kept): a resend with the
    # same key must carry the same image, or it is a conflict (photo_record).
    upload_sha256 = models.CharField(max_length=64, blank=True)
    source_format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A retried upload returns the first photo (photo_record relies on it).
            models.UniqueConstraint(
                fields=["uploaded_by", "idempotency_key"], name="photo_idempotency_key"
            )
        ]
        indexes = [
            # Usable estimates of an infant up to an instant (every assessment asks).
            models.Index(fields=["infant", "status", "taken_at"], name="photo_estimates"),
            # Photos the sweeper must hand to a worker again.
            models.Index(fields=["status", "created_at"], name="photo_status"),
        ]

    def __str__(self) -> str:
        return f"{self.body_site} photo of {self.infant} ({self.status})"
