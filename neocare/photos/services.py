"""Receiving a skin photo: sanitise in memory, store the clean copy, record it once."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.infants.models import Infant
from neocare.infants.services import (
    IdempotencyConflict,
    Recorded,
    check_may_record_for,
    check_within_neonatal_period,
)
from neocare.network.models import User
from neocare.photos.models import Photo
from neocare.photos.sanitise import Rejected, sanitise


def photo_path(photo: Photo) -> Path:
    return Path(settings.PHOTO_STORAGE_DIR) / photo.storage_name


def _original(uploaded_by: User, idempotency_key: str, infant: Infant) -> Photo | None:
    original = Photo.objects.filter(
        uploaded_by=uploaded_by, idempotency_key=idempotency_key
    ).first()
    if original is not None and original.infant_id != infant.id:
        raise IdempotencyConflict("This idempotency key was already used for another infant.")
    return original


def _store(jpeg: bytes) -> str:
    """Write under a random name, atomically (a reader never sees half a file)."""
    folder = Path(settings.PHOTO_STORAGE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ".jpg"
    temporary = folder / (name + ".part")
    with open(temporary, "wb") as f:
        f.write(jpeg)
        f.flush()
        os.fsync(f.fileno())
    temporary.replace(folder / name)
    return name


def photo_record(
    *,
    infant: Infant,
    uploaded_by: User,
    data: bytes,
    taken_at,
    body_site: str,
    card_rect: dict,
    idempotency_key: str,
) -> Recorded[Photo]:
    """Sanitise and store a photo once per (uploader, key); 400 with the reason if refused."""
    original = _original(uploaded_by, idempotency_key, infant)
    if original is not None:
        return Recorded(original, created=False)
    check_may_record_for(infant, uploaded_by)
    check_within_neonatal_period(infant, "taken_at", taken_at)
    try:
        clean = sanitise(data)  # in memory, outside any transaction
    except Rejected as exc:
        raise ValidationError({"image": [exc.message]}) from exc
    del data  # the unsanitised original goes no further
    name = _store(clean.jpeg)
    try:
        with transaction.atomic():
            photo = Photo.objects.create(
                infant=infant,
                uploaded_by=uploaded_by,
                taken_at=taken_at,
                body_site=body_site,
                card_rect=card_rect,
                idempotency_key=idempotency_key,
                storage_name=name,
                source_format=clean.source_format,
                width=clean.width,
                height=clean.height,
            )
            audit_record(
                actor=uploaded_by,
                infant=infant,
                action=AuditEvent.Action.CREATE,
                object_type="photo",
                object_id=photo.public_id,
            )
    except IntegrityError:
        (Path(settings.PHOTO_STORAGE_DIR) / name).unlink(missing_ok=True)
        original = _original(uploaded_by, idempotency_key, infant)
        if original is None:
            raise
        return Recorded(original, created=False)
    return Recorded(photo, created=True)
