"""Register, promote and roll back risk models (issue #17).

Serving does not change: every process loads `settings.RISK_MODEL_PATH` and reloads it when the
file changes (neocare.infants.risk). Promotion checks the registered file (its digest, and that
it fits this code), then replaces RISK_MODEL_PATH with it atomically; each assessment records
the model version it was scored with, as before.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from neocare.audit.models import AuditEvent
from neocare.riskmodels.models import Promotion, RiskModelVersion
from risk_model import model as risk

PERMISSION = "riskmodels.promote_riskmodelversion"
MIN_REASON = 20  # characters: a sign-off says why, not "ok"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, temporary)
    temporary.replace(target)


def registry_dir() -> Path:
    return Path(settings.RISK_MODEL_REGISTRY_DIR)


def register(
    path: Path,
    *,
    by=None,
    evaluation: list | None = None,
    comparison: list | None = None,
    plot: Path | None = None,
) -> RiskModelVersion:
    """Keep a copy of the model file in the registry with what it learnt from and its metrics.
    Registering the same version again returns the entry already there."""
    trained = risk.load(path)  # refuses a file that does not fit this code, saying why
    meta = trained.metadata
    existing = RiskModelVersion.objects.filter(version=trained.version).first()
    if existing is not None:
        return existing
    kept = registry_dir() / f"{trained.version}.skops"
    _copy_atomically(Path(path), kept)
    plot_name = ""
    if plot is not None:
        plot_name = f"{trained.version}.png"
        _copy_atomically(Path(plot), registry_dir() / plot_name)
    metrics = {"validation": meta["validation_metrics"]}
    if evaluation is not None:
        metrics["evaluation"] = evaluation
    if comparison is not None:
        metrics["comparison"] = comparison
    return RiskModelVersion.objects.create(
        version=trained.version,
        file_name=kept.name,
        sha256=_digest(kept),
        estimator=meta["selected"],
        training_data=meta["training_data"],
        training_infants=meta["training_infants"],
        training_readings=meta["training_readings"],
        real_infants=meta.get("real_infants", 0),
        real_weight=meta.get("real_weight"),
        metrics=metrics,
        watch_probability=meta["watch_probability"],
        review_probability=meta["review_probability"],
        calibration_plot=plot_name,
        registered_by=by,
    )


def serving() -> RiskModelVersion | None:
    return RiskModelVersion.objects.filter(status=RiskModelVersion.Status.SERVING).first()


def bootstrap(by=None) -> RiskModelVersion | None:
    """Before anyone has promoted a model, register the file that serves now as serving (the
    model `make run` trained). Does nothing once the registry has a serving model."""
    path = Path(settings.RISK_MODEL_PATH)
    if serving() is not None or not path.is_file():
        return serving()
    with transaction.atomic():
        entry = register(path, by=by)
        entry.status = RiskModelVersion.Status.SERVING
        entry.save(update_fields=["status"])
        Promotion.objects.create(
            version=entry,
            action=Promotion.Action.BOOTSTRAP,
            by=by,
            reason="The model file found serving when the registry began; not yet signed off.",
        )
    return entry


def promote(entry: RiskModelVersion, *, by, reason: str, rollback: bool = False) -> Promotion:
    """Put `entry` to serving: only with the sign-off permission and a written reason."""
    if by is None or not by.has_perm(PERMISSION):
        raise PermissionDenied("signing off a risk model needs the promotion permission")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {
                "reason": _("Write why this model should serve (at least %(n)d characters).")
                % {"n": MIN_REASON}
            }
        )
    kept = registry_dir() / entry.file_name
    if not kept.is_file() or _digest(kept) != entry.sha256:
        raise ValidationError({"version": _("The registered file is missing or has changed.")})
    try:
        risk.load(kept)
    except risk.ModelFileError as exc:
        raise ValidationError({"version": str(exc)}) from exc
    with transaction.atomic():
        entries = RiskModelVersion.objects.select_for_update()
        entry = entries.get(pk=entry.pk)
        previous = entries.filter(status=RiskModelVersion.Status.SERVING).first()
        if previous == entry:
            raise ValidationError({"version": _("This model is already serving.")})
        if previous is not None:
            previous.status = RiskModelVersion.Status.RETIRED
            previous.save(update_fields=["status"])
        entry.status = RiskModelVersion.Status.SERVING
        entry.save(update_fields=["status"])
        promotion = Promotion.objects.create(
            version=entry,
            previous=previous,
            action=Promotion.Action.ROLLBACK if rollback else Promotion.Action.PROMOTE,
            by=by,
            reason=reason,
        )
        AuditEvent.objects.create(
            actor=by,
            actor_role=by.role or ("superuser" if by.is_superuser else "staff"),
            action=AuditEvent.Action.ROLLBACK_MODEL
            if rollback
            else AuditEvent.Action.PROMOTE_MODEL,
            object_type="risk_model",
            object_id=entry.version[:64],
            reason=reason,
        )
        # Last, inside the transaction: if the copy fails nothing above is kept.
        _copy_atomically(kept, Path(settings.RISK_MODEL_PATH))
    return promotion


def previous() -> RiskModelVersion | None:
    """The model that served before the one serving now (what a rollback goes back to)."""
    current = serving()
    last = Promotion.objects.filter(version=current).first() if current else None
    return last.previous if last else None


def rollback(*, by, reason: str) -> Promotion:
    """Back to the model that served before the current one."""
    earlier = previous()
    if earlier is None:
        raise ValidationError({"version": _("No earlier model to roll back to.")})
    return promote(earlier, by=by, reason=reason, rollback=True)
