"""From a cohort (simulated today, real outcomes later) to the rows the model learns from.

Each row is one reading of one home-monitored infant, with the features `features.compute()`
gives from the guideline engine's facts — the very call the service makes — and the label
"the true TSB reaches the phototherapy threshold at the reading or within 72 h after it".
Also kept per row: the two clinicians' baselines the model is compared with.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from risk_model import features
from risk_model.guideline import InfantFacts, ObservationFacts, PhotoFacts, ReadingFacts
from risk_model.simulator import Cohort
from risk_model.tables import bhutani_percentiles, bhutani_zone
from risk_model.units import Unit

OTHER_NEUROTOXICITY = "other_neurotoxicity_factor"
ZONE_ORDER = {"low": 0, "low_intermediate": 1, "high_intermediate": 2, "high": 3}
NOMOGRAM_FIRST_HOUR, NOMOGRAM_LAST_HOUR = 12.0, 148.0


@dataclass
class Dataset:
    X: np.ndarray  # (rows, len(FEATURES)), NaN = missing
    y: np.ndarray  # bool: threshold reached within 72 h
    infant: np.ndarray  # cohort row index of the infant, to split and to count infants
    gap_mg_dl: np.ndarray  # baseline 1: the AAP gap (phototherapy threshold − value)
    zone: np.ndarray  # baseline 2: Bhutani zone 0–3 (hours clamped to 12–148)

    def subset(self, mask: np.ndarray) -> "Dataset":
        return Dataset(
            self.X[mask], self.y[mask], self.infant[mask], self.gap_mg_dl[mask], self.zone[mask]
        )

    def __len__(self) -> int:
        return len(self.y)


def infant_facts(cohort: Cohort, i: int) -> InfantFacts:
    """The facts the service would read from this infant's record."""
    a = cohort.infants
    assessed = bool(a["neurotoxicity_assessed"][i])
    neuro = tuple(
        code
        for code, present in (
            (features.G6PD, a["g6pd_deficiency"][i]),
            (features.ISOIMMUNE, a["isoimmune_haemolysis"][i]),
            # Real exports only: sepsis, albumin < 3 g/dL, another haemolysis, instability.
            (
                OTHER_NEUROTOXICITY,
                "other_neurotoxicity_factor" in a and a["other_neurotoxicity_factor"][i],
            ),
        )
        if present
    )
    hyper = tuple(
        code
        for code, present in (
            (features.FAMILY_PHOTOTHERAPY, a["family_phototherapy"][i]),
            (features.SUBOPTIMAL_INTAKE, a["suboptimal_intake"][i]),
            (features.BRUISING, a["bruising"][i]),
        )
        if present
    )
    return InfantFacts(
        gestational_age_weeks=int(a["ga_weeks"][i]),
        gestational_age_days=int(a["ga_days"][i]),
        birth_weight_g=int(a["birth_weight_g"][i]),
        neurotoxicity_risk=bool(neuro) if assessed else None,
        feeding=str(a["feeding"][i]),
        neurotoxicity_factors=neuro if assessed else None,
        hyperbilirubinemia_factors=hyper,
    )


def reading_facts(cohort: Cohort, r: int) -> ReadingFacts:
    rows = cohort.readings
    return ReadingFacts(
        age_hours=float(rows["age_hours"][r]),
        value=float(rows["observed_mg_dl"][r]),
        unit=Unit.MG_DL,
        method=str(rows["method"][r]),
    )


def weight_facts(cohort: Cohort, w: int) -> ObservationFacts:
    rows = cohort.weights
    return ObservationFacts(
        age_hours=float(rows["age_hours"][w]), weight_g=int(rows["weight_g"][w])
    )


def photo_facts(cohort: Cohort, k: int) -> PhotoFacts:
    rows = cohort.photos
    return PhotoFacts(
        age_hours=float(rows["age_hours"][k]), estimate_mg_dl=float(rows["estimate_mg_dl"][k])
    )


def spans(owner: np.ndarray, n: int) -> np.ndarray:
    """Start offsets of each infant's rows in an array sorted by infant (length n + 1)."""
    return np.searchsorted(owner, np.arange(n + 1))


def zone_of(value_mg_dl: float, age_hours: float) -> int:
    hours = min(max(age_hours, NOMOGRAM_FIRST_HOUR), NOMOGRAM_LAST_HOUR)
    return ZONE_ORDER[bhutani_zone(value_mg_dl, bhutani_percentiles(hours)).value]


def build(cohort: Cohort, progress: Callable[[int], None] | None = None) -> Dataset:
    """One row per reading, features from the history up to that reading only."""
    readings, weights = cohort.readings, cohort.weights
    n_rows = len(readings["infant"])
    X = np.full((n_rows, len(features.FEATURES)), np.nan)
    keep = np.ones(n_rows, dtype=bool)
    gap = np.empty(n_rows)
    zone = np.empty(n_rows, dtype=int)
    r_spans = spans(readings["infant"], cohort.size)
    w_spans = spans(weights["infant"], cohort.size)
    p_spans = spans(cohort.photos["infant"], cohort.size)
    for i in range(cohort.size):
        r0, r1 = r_spans[i], r_spans[i + 1]
        if r0 == r1:
            continue
        infant = infant_facts(cohort, i)
        weighed = [weight_facts(cohort, w) for w in range(w_spans[i], w_spans[i + 1])]
        photos = [photo_facts(cohort, k) for k in range(p_spans[i], p_spans[i + 1])]
        history: list[ReadingFacts] = []
        for r in range(r0, r1):
            reading = reading_facts(cohort, r)
            row = features.compute(infant, reading, history, weighed, photos)
            if row.values is None:
                keep[r] = False
            else:
                X[r] = row.values
                gap[r] = row.values[features.FEATURES.index("gap_to_phototherapy_mg_dl")]
                zone[r] = zone_of(reading.value_mg_dl, reading.age_hours)
            history.append(reading)
        if progress:
            progress(r1 - r0)
    data = Dataset(
        X, readings["reaches_phototherapy_within_72h"].astype(bool), readings["infant"], gap, zone
    )
    return data.subset(keep)
