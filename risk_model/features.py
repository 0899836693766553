"""The risk model's features: one function, used by training and by serving alike.

`compute()` takes the guideline engine's plain facts — the infant, the reading being assessed,
the readings and observations before it — and returns one row of numbers in `FEATURES` order.
Training builds those facts from a cohort (`risk_model/dataset.py`), the service from the
database (`neocare/infants/assessments.py`); neither computes a feature itself, so the two cannot
disagree. Anything measured after the reading is ignored here, whoever passes it in: a feature
never peeks ahead.

Missing values are NaN (gradient boosting handles them natively; logistic regression imputes
and adds an indicator): "not recorded" is information, not zero.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import nan

from risk_model import nomogram
from risk_model.guideline import (
    RAPID_RISE_MIN_INTERVAL_HOURS,
    Feeding,
    InfantFacts,
    Method,
    ObservationFacts,
    PhotoFacts,
    ReadingFacts,
    thresholds,
)
from risk_model.tables import Kind, aap_threshold_mg_dl

# The model answers one question (issue #4): will the serum bilirubin reach the AAP 2022
# phototherapy threshold at the reading or within the next 72 hours?
HORIZON_HOURS = 72
# Home follow-up, and so every cohort the model learns from, ends at 14 days.
FOLLOW_UP_HOURS = 14 * 24
# A skin photo's estimate informs the model at a reading taken within this many hours after it.
PHOTO_FEATURE_HOURS = 12

# Risk-factor codes, as stored on the infant (neocare.infants.models choices).
G6PD = "g6pd_deficiency"
ISOIMMUNE = "isoimmune_haemolysis"
FAMILY_PHOTOTHERAPY = "family_phototherapy"
SUBOPTIMAL_INTAKE = "suboptimal_breastfeeding"
BRUISING = "scalp_haematoma_bruising"

FEATURES = (
    "age_hours",
    "gestational_age_weeks",
    "birth_weight_g",
    "value_mg_dl",
    "gap_to_phototherapy_mg_dl",
    "nomogram_position",
    "hours_since_previous",
    "rise_mg_dl_per_hour",
    "gap_change_mg_dl_per_hour",
    "readings_before",
    "neurotoxicity_curves",
    "g6pd_deficiency",
    "isoimmune_haemolysis",
    "family_phototherapy",
    "suboptimal_intake",
    "bruising",
    "exclusive_breastfeeding",
    "formula_feeding",
    "weight_loss_fraction",
    "method_tsb",
    "method_visual",
    # The latest skin-photo estimate in the PHOTO_FEATURE_HOURS before the reading (issue #6).
    "photo_estimate_mg_dl",
)
# Features that move together, explained together ("why this probability").
GROUPS = {
    "level": ("value_mg_dl", "gap_to_phototherapy_mg_dl", "nomogram_position"),
    "rise": ("hours_since_previous", "rise_mg_dl_per_hour", "gap_change_mg_dl_per_hour"),
    "age": ("age_hours", "readings_before"),
    "gestation": ("gestational_age_weeks", "birth_weight_g"),
    "haemolysis": ("neurotoxicity_curves", "g6pd_deficiency", "isoimmune_haemolysis"),
    "family": ("family_phototherapy",),
    "intake": ("suboptimal_intake", "exclusive_breastfeeding", "formula_feeding"),
    "weight_loss": ("weight_loss_fraction",),
    "bruising": ("bruising",),
    "method": ("method_tsb", "method_visual"),
    "photo": ("photo_estimate_mg_dl",),
}


@dataclass(frozen=True)
class Row:
    """The features at one reading, or why the model does not apply there."""

    values: tuple[float, ...] | None
    not_applicable: str | None = None

    def as_dict(self) -> dict[str, float | None]:
        if self.values is None:
            return {}
        return {
            name: (None if v != v else v) for name, v in zip(FEATURES, self.values, strict=True)
        }


def _flag(codes: Sequence[str] | None, code: str) -> float:
    if codes is None:
        return nan
    return 1.0 if code in codes else 0.0


def compute(
    infant: InfantFacts,
    reading: ReadingFacts,
    previous: Sequence[ReadingFacts] = (),
    observations: Sequence[ObservationFacts] = (),
    photos: Sequence[PhotoFacts] = (),
) -> Row:
    """Features at `reading` from what was known at that moment.

    Where the guideline gives no threshold (below 35 weeks, unknown age, beyond the follow-up
    the model was trained on) there is nothing to predict against: `Row(None, reason)`.
    """
    age = reading.age_hours
    if age is None:
        return Row(None, "birth_time_missing")
    if age > FOLLOW_UP_HOURS:
        return Row(None, "beyond_follow_up")
    th = thresholds(
        ga_weeks=infant.gestational_age_weeks,
        age_hours=age,
        neurotoxicity_risk=infant.neurotoxicity_risk,
    )
    if not th.applies:
        return Row(None, "outside_guideline")
    value = reading.value_mg_dl
    gap = th.phototherapy_mg_dl - value

    earlier = [p for p in previous if p.age_hours is not None and p.age_hours < age]
    rate_base = [p for p in earlier if age - p.age_hours >= RAPID_RISE_MIN_INTERVAL_HOURS]
    since = rise = gap_change = nan
    if rate_base:
        last = max(rate_base, key=lambda p: p.age_hours)
        last_value = last.value_mg_dl
        since = age - last.age_hours
        rise = (value - last_value) / since
        # The same curve as at this reading (same infant), at the earlier age.
        last_threshold = aap_threshold_mg_dl(
            Kind.PHOTOTHERAPY,
            ga_weeks=th.ga_weeks_row,
            neurotoxicity_risk=th.neurotoxicity_curves,
            age_hours=last.age_hours,
        )
        gap_change = (gap - (last_threshold - last_value)) / since

    weight_loss = nan
    weighed = [o for o in observations if o.weight_g is not None and o.age_hours <= age]
    if weighed and infant.birth_weight_g:
        latest = max(weighed, key=lambda o: o.age_hours)
        weight_loss = (infant.birth_weight_g - latest.weight_g) / infant.birth_weight_g

    recent_photos = [
        p
        for p in photos
        if p.age_hours is not None and age - PHOTO_FEATURE_HOURS <= p.age_hours <= age
    ]
    photo_estimate = (
        max(recent_photos, key=lambda p: p.age_hours).estimate_mg_dl if recent_photos else nan
    )

    neuro = infant.neurotoxicity_factors
    hyper = infant.hyperbilirubinemia_factors
    feeding = infant.feeding
    method = Method(reading.method)
    ga = infant.gestational_age_weeks + (infant.gestational_age_days or 0) / 7
    values = (
        age,
        ga,
        float(infant.birth_weight_g) if infant.birth_weight_g else nan,
        value,
        gap,
        nomogram.position(value, age),
        since,
        rise,
        gap_change,
        float(len(earlier)),
        nan if infant.neurotoxicity_risk is None else float(infant.neurotoxicity_risk),
        _flag(neuro, G6PD),
        _flag(neuro, ISOIMMUNE),
        _flag(hyper, FAMILY_PHOTOTHERAPY),
        _flag(hyper, SUBOPTIMAL_INTAKE),
        _flag(hyper, BRUISING),
        nan if feeding is None else float(feeding == Feeding.EXCLUSIVE_BREASTFEEDING),
        nan if feeding is None else float(feeding == Feeding.FORMULA),
        weight_loss,
        float(method is Method.TSB),
        float(method is Method.VISUAL),
        float(photo_estimate),
    )
    return Row(values)
