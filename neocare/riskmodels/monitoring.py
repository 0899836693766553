"""How the served risk model is doing on the programme's own infants (issue #17, item 5).

Over a rolling window of readings the served model scored:
- **calibration**: observed outcomes (neocare.infants.outcomes, known outcomes only) against the
  predicted probability, by risk decile, and overall observed / expected;
- **operating lines**: the share of infants whose latest probability is at or above the watch
  line and the review line;
- **drift**: each feature's population stability index against the training distribution kept
  in the model file (`feature_bins`);
- **warnings** when calibration leaves its bound or a feature drifts (settings.MODEL_*).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neocare.infants import outcomes
from neocare.infants.models import Assessment, Infant
from neocare.infants.risk import current_model
from risk_model.model import bin_shares

FLOOR = 1e-4  # shares below this count as this much in the stability index
# The model's features in words (risk_model.features.FEATURES), for the page.
FEATURE_NAMES = {
    "age_hours": gettext_lazy("age (hours)"),
    "gestational_age_weeks": gettext_lazy("gestational age (weeks)"),
    "birth_weight_g": gettext_lazy("birth weight (g)"),
    "value_mg_dl": gettext_lazy("bilirubin value"),
    "gap_to_phototherapy_mg_dl": gettext_lazy("gap to the phototherapy threshold"),
    "nomogram_position": gettext_lazy("position on the Bhutani nomogram"),
    "hours_since_previous": gettext_lazy("hours since the previous reading"),
    "rise_mg_dl_per_hour": gettext_lazy("rate of rise"),
    "gap_change_mg_dl_per_hour": gettext_lazy("change of the gap per hour"),
    "readings_before": gettext_lazy("earlier readings"),
    "neurotoxicity_curves": gettext_lazy("neurotoxicity risk curves"),
    "g6pd_deficiency": gettext_lazy("G6PD deficiency"),
    "isoimmune_haemolysis": gettext_lazy("isoimmune haemolytic disease (positive DAT)"),
    "family_phototherapy": gettext_lazy("family history of phototherapy"),
    "suboptimal_intake": gettext_lazy("suboptimal intake"),
    "bruising": gettext_lazy("scalp haematoma or bruising"),
    "exclusive_breastfeeding": gettext_lazy("exclusive breastfeeding"),
    "formula_feeding": gettext_lazy("formula feeding"),
    "weight_loss_fraction": gettext_lazy("weight loss since birth"),
    "method_tsb": gettext_lazy("laboratory TSB"),
    "method_visual": gettext_lazy("visual estimate"),
    "photo_estimate_mg_dl": gettext_lazy("skin-photo estimate"),
}


@dataclass
class Report:
    model_version: str | None
    days: int
    scored_readings: int = 0
    labelled_readings: int = 0
    infants: int = 0
    deciles: list[dict] = field(default_factory=list)  # mean predicted, observed, readings
    observed: int = 0
    expected: float = 0.0
    share_above_watch: float | None = None
    share_above_review: float | None = None
    drift: list[dict] = field(default_factory=list)  # feature, psi
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why something was not judged

    @property
    def observed_over_expected(self) -> float | None:
        return self.observed / self.expected if self.expected > 0 else None

    @property
    def max_psi(self) -> float | None:
        return max((d["psi"] for d in self.drift), default=None)


def psi(bins: dict, values: np.ndarray) -> float:
    """Population stability index of `values` against a training feature's bins."""
    expected = [*bins["shares"], bins["missing"]]
    actual = bin_shares(np.asarray(bins["edges"]), values)
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e, a = max(e, FLOOR), max(a, FLOOR)
        total += (a - e) * math.log(a / e)
    return total


def report(now=None) -> Report:
    trained, _reason = current_model()
    days = settings.MODEL_MONITOR_DAYS
    out = Report(model_version=trained.version if trained else None, days=days)
    if trained is None:
        out.warnings.append(_("No risk model is loaded."))
        return out
    since = (now or timezone.now()) - timedelta(days=days)
    scored = list(
        Assessment.objects.filter(
            reading__isnull=False,
            basis_at__gte=since,
            risk_model_version=trained.version,
            risk_probability__isnull=False,
        )
        .order_by("infant_id", "basis_at")
        .values("infant_id", "reading_id", "risk_probability", "result")
    )
    out.scored_readings = len(scored)
    if not scored:
        return out
    latest = {row["infant_id"]: row["risk_probability"] for row in scored}
    out.infants = len(latest)
    watch, review = trained.metadata["watch_probability"], trained.metadata["review_probability"]
    out.share_above_watch = sum(p >= watch for p in latest.values()) / len(latest)
    out.share_above_review = sum(p >= review for p in latest.values()) / len(latest)

    known: dict[int, bool] = {}
    for infant in Infant.objects.filter(pk__in=latest).prefetch_related(*outcomes.RELATED):
        known.update({r.pk: positive for r, positive in outcomes.reading_outcomes(infant).rows})
    pairs = [
        (row["risk_probability"], known[row["reading_id"]])
        for row in scored
        if row["reading_id"] in known
    ]
    out.labelled_readings = len(pairs)
    if pairs:
        p = np.array([a for a, _ in pairs])
        y = np.array([b for _, b in pairs], dtype=float)
        out.observed, out.expected = int(y.sum()), float(p.sum())
        order = np.argsort(p, kind="stable")
        for part in np.array_split(order, min(10, len(order))):
            out.deciles.append(
                {
                    "predicted": float(p[part].mean()),
                    "observed": float(y[part].mean()),
                    "readings": len(part),
                }
            )
        ratio = out.observed_over_expected
        bound = settings.MODEL_CALIBRATION_BOUND
        judged = out.expected >= settings.MODEL_MONITOR_MIN_EXPECTED and ratio is not None
        if judged and not 1 / bound <= ratio <= bound:
            out.warnings.append(
                _(
                    "Calibration drift: observed / expected %(ratio).2f, "
                    "outside %(low).2f–%(high).2f."
                )
                % {"ratio": ratio, "low": 1 / bound, "high": bound}
            )

    bins = trained.metadata.get("feature_bins")
    if bins is None:
        out.warnings.append(
            _("This model file keeps no training distribution: drift is not measured.")
        )
    else:
        names = list(trained.metadata["features"])
        X = np.array(
            [
                [
                    _number((row["result"].get("risk_model") or {}).get("features", {}).get(n))
                    for n in names
                ]
                for row in scored
            ]
        )
        for j, name in enumerate(names):
            if name in bins:
                out.drift.append(
                    {
                        "feature": name,
                        "name": FEATURE_NAMES.get(name, name),
                        "psi": psi(bins[name], X[:, j]),
                    }
                )
        out.drift.sort(key=lambda d: -d["psi"])
        limit = settings.MODEL_MONITOR_PSI_WARNING
        drifting = [d for d in out.drift if d["psi"] > limit]
        if out.scored_readings < settings.MODEL_MONITOR_MIN_READINGS:
            out.notes.append(
                _("Too few readings to judge drift (%(n)d < %(minimum)d).")
                % {"n": out.scored_readings, "minimum": settings.MODEL_MONITOR_MIN_READINGS}
            )
        elif drifting:
            out.warnings.append(
                _("Feature drift (stability index > %(limit)s): %(features)s.")
                % {
                    "limit": limit,
                    "features": _(", ").join(f"{d['name']} {d['psi']:.2f}" for d in drifting),
                }
            )
    return out


def _number(value) -> float:
    return float("nan") if value is None else float(value)
