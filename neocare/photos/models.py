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
        # Stored safely; colour analysis (calibration card, estimate) is not built yet.
        RECEIVED = "received", _("received")

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
    # Random file name under PHOTO_STORAGE_DIR; never derived from anything the client sent.
    storage_name = models.CharField(max_length=64, unique=True)
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

    def __str__(self) -> str:
        return f"{self.body_site} photo of {self.infant} ({self.status})"
