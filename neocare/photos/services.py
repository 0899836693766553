"""Receiving a skin photo: sanitise in memory, store the clean copy, record it once; then
analyse it (quality gate, estimate) and let the estimate into the infant's assessment."""

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.celery import publish_on_commit
from neocare.infants.assessments import assessment_record
from neocare.infants.models import Infant, Reading
from neocare.infants.risk import current_photo_estimator
from neocare.infants.services import (
    IdempotencyConflict,
    Recorded,
    check_may_record_for,
    check_within_neonatal_period,
    original_or_conflict,
)
from neocare.messaging.notify import notify_photo_retake
from neocare.network.models import User
from neocare.photos.models import Photo
from neocare.photos.sanitise import Rejected, sanitise
from risk_model.photo import Estimate, analyse

logger = logging.getLogger(__name__)


def photo_path(photo: Photo) -> Path:
    return Path(settings.PHOTO_STORAGE_DIR) / photo.storage_name


def _original(
    uploaded_by: User, idempotency_key: str, infant: Infant, digest: str, details: dict
) -> Photo | None:
    """The photo already stored under this key, if it is the same upload; a key reused for
    another infant, other bytes or other details (site, time, card) is a conflict (409), as
    for readings — a parent's correction is never silently dropped."""
    original = Photo.objects.filter(
        uploaded_by=uploaded_by, idempotency_key=idempotency_key
    ).first()
    if original is None:
        return None
    if original.infant_id != infant.id:
        raise IdempotencyConflict(_("This idempotency key was already used for another infant."))
    if original.upload_sha256 and original.upload_sha256 != digest:
        raise IdempotencyConflict(
            _(
                "This idempotency key was already used for a different image. Use a new key "
                "for a new photo."
            )
        )
    return original_or_conflict(
        Photo, uploaded_by=uploaded_by, idempotency_key=idempotency_key, same=details
    )


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
    digest = hashlib.sha256(data).hexdigest()
    details = {"body_site": body_site, "taken_at": taken_at, "card_rect": card_rect}
    original = _original(uploaded_by, idempotency_key, infant, digest, details)
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
                upload_sha256=digest,
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
            _analyse_on_commit(photo.pk)
    except IntegrityError:
        (Path(settings.PHOTO_STORAGE_DIR) / name).unlink(missing_ok=True)
        original = _original(uploaded_by, idempotency_key, infant, digest, details)
        if original is None:
            raise
        return Recorded(original, created=False)
    return Recorded(photo, created=True)


# --- Analysis (a Celery task after upload) ------------------------------------------------------
def _analyse_file(photo: Photo):
    """Quality gate and corrected skin colour, read from the stored (sanitised) JPEG."""
    with Image.open(photo_path(photo)) as image:
        return analyse(image, photo.card_rect)


@dataclass(frozen=True)
class PhotoOutcome:
    """What the analysis concluded: a status and, for a usable photo, the estimate."""

    status: str
    problem: str = ""
    skin_lab: list[float] | None = None
    estimate: Estimate | None = None
    estimator_version: str = ""


def _outcome(photo: Photo) -> PhotoOutcome:
    """The image work (quality gate, colour, estimate), outside any transaction."""
    try:
        analysis = _analyse_file(photo)
    except Exception:
        logger.exception("photo %s: analysis failed", photo.public_id)
        return PhotoOutcome(Photo.Status.NOT_ESTIMATED, Photo.Problem.ANALYSIS_FAILED)
    if not analysis.usable:
        return PhotoOutcome(Photo.Status.UNUSABLE, analysis.reason)
    lab = [round(v, 2) for v in analysis.lab]
    estimator, unavailable = current_photo_estimator()
    if estimator is None:
        logger.error("photo %s: no estimate, estimator unavailable: %s", photo.pk, unavailable)
        return PhotoOutcome(
            Photo.Status.NOT_ESTIMATED, Photo.Problem.ESTIMATOR_UNAVAILABLE, skin_lab=lab
        )
    return PhotoOutcome(
        Photo.Status.USABLE,
        skin_lab=lab,
        estimate=estimator.estimate(analysis.lab),
        estimator_version=estimator.version,
    )


def photo_analyse(photo_id: int) -> str:
    """Analyse a received photo once; returns its status."""
    photo = Photo.objects.filter(pk=photo_id, status=Photo.Status.RECEIVED).first()
    if photo is None:
        return "already_analysed"
    return photo_outcome_record(photo_id, _outcome(photo))


def photo_outcome_record(photo_id: int, outcome: PhotoOutcome) -> str:
    """Record what the analysis concluded, once, and what follows from it.

    The result, the assessment it leads to, the alert, the parents' message and the reminder
    are written together under a lock on the photo, so a redelivered task writes nothing twice.
    A photo taken before the infant's latest meter or lab reading gets its estimate but no
    assessment: the reading has answered it. (The scenario book records a given estimate here.)
    """
    with transaction.atomic():
        photo = Photo.objects.select_for_update().get(pk=photo_id)
        if photo.status != Photo.Status.RECEIVED:
            return "already_analysed"
        photo.analysed_at = timezone.now()
        photo.status, photo.problem = outcome.status, outcome.problem
        photo.skin_lab = outcome.skin_lab
        if outcome.estimate is not None:
            photo.estimate_mg_dl = outcome.estimate.mg_dl
            photo.estimate_low_mg_dl = outcome.estimate.low_mg_dl
            photo.estimate_high_mg_dl = outcome.estimate.high_mg_dl
            photo.estimator_version = outcome.estimator_version
        photo.save()
        audit_record(
            actor=None,
            infant=photo.infant,
            action=AuditEvent.Action.UPDATE,
            object_type="photo",
            object_id=photo.public_id,
            reason=f"analysed: {photo.status} {photo.problem}".strip(),
        )
        if photo.status == Photo.Status.UNUSABLE:
            notify_photo_retake(photo)
        elif photo.status == Photo.Status.USABLE and not _answered_by_a_measurement(photo):
            assessment_record(infant=photo.infant, actor=None, photo=photo)
    return photo.status


def _answered_by_a_measurement(photo: Photo) -> bool:
    """A meter or lab reading after the photo answered it (a visual estimate never does)."""
    return (
        photo.infant.readings.filter(measured_at__gt=photo.taken_at)
        .exclude(method=Reading.Method.VISUAL)
        .exists()
    )


def _analyse_on_commit(photo_id: int) -> None:
    from neocare.photos.tasks import photo_analyse_task

    # Broker down: the photo waits, "received", for photos_sweep.
    publish_on_commit(photo_analyse_task, [photo_id], waiting="photo(s)")


def photos_sweep(*, now=None, batch: int = 500) -> int:
    """Hand photos still "received" after PHOTO_ANALYSIS_STUCK_SECONDS to a worker again."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.PHOTO_ANALYSIS_STUCK_SECONDS)
    waiting = list(
        Photo.objects.filter(status=Photo.Status.RECEIVED, created_at__lt=stuck_before)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    from neocare.photos.tasks import photo_analyse_task

    for pk in waiting:
        photo_analyse_task.delay(pk)
    return len(waiting)
