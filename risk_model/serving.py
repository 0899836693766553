"""The risk model beside the guideline engine, at every reading.

`assess()` runs the guideline engine, scores the same facts with the model, and applies the
safety rule: the model may raise the engine's urgency (a high probability → "community doctor
review today", a raised one → "measure again sooner", with a sooner next measurement), never
lower it. Where the model does not apply (no threshold, beyond the ages it learnt from) or is not
loaded, the guideline's assessment stands alone and says so in `risk_model.status`.

"Why this probability": each feature group (features.GROUPS) is in turn set to a typical low-risk
value (the training median of readings not followed by the threshold); the groups whose removal
lowers the probability most are named, up to three, with the infant's values.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from risk_model import features
from risk_model import reasons as R
from risk_model.guideline import (
    Action,
    Assessment,
    InfantFacts,
    ObservationFacts,
    PhotoFacts,
    ReadingFacts,
)
from risk_model.guideline import assess as guideline_assess
from risk_model.model import TrainedModel

# A feature group is named as a driver only if it moved the probability by at least this much
# (absolute, 0–1 scale), and at most this many are named.
DRIVER_MIN_EFFECT = 0.005
DRIVERS_SHOWN = 3
# The next measurement the model asks for when it raises concern: within 24 h, the window the
# follow-up table gives for "TcB or TSB in 4–24 h" (DOMAIN.md). It only ever shortens a window.
MODEL_WINDOW_HOURS = (4, 24)

_INDEX = {name: j for j, name in enumerate(features.FEATURES)}
_GROUP_COLUMNS = {
    group: [_INDEX[name] for name in names] for group, names in features.GROUPS.items()
}


@dataclass
class Prediction:
    status: str  # "scored", "not_applicable" or "unavailable"
    reason: str | None = None
    probability: float | None = None
    model_version: str | None = None
    watch_probability: float | None = None
    review_probability: float | None = None
    drivers: list[dict] = field(default_factory=list)
    features: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        # Shallow: every field is built fresh per prediction (asdict's deep copy cost ~0.3 ms).
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _fmt(value: float, digits: int = 1) -> str:
    return "?" if value != value else f"{value:.{digits}f}"


def _driver_values(x: np.ndarray) -> dict:
    get = {name: x[j] for name, j in _INDEX.items()}
    return {
        "gap": _fmt(get["gap_to_phototherapy_mg_dl"]),
        "z": _fmt(get["nomogram_position"], 2),
        "rise": _fmt(get["rise_mg_dl_per_hour"], 2),
        "since": _fmt(get["hours_since_previous"], 0),
        "age": _fmt(get["age_hours"], 0),
        "ga": _fmt(get["gestational_age_weeks"], 1),
        "bw": _fmt(get["birth_weight_g"], 0),
        "loss": _fmt(get["weight_loss_fraction"] * 100),
        "photo": _fmt(get["photo_estimate_mg_dl"]),
    }


def predict(model: TrainedModel, row: features.Row) -> Prediction:
    """Probability and drivers for one row of features."""
    meta = model.metadata
    common = {
        "model_version": model.version,
        "watch_probability": meta["watch_probability"],
        "review_probability": meta["review_probability"],
    }
    if row.values is None:
        return Prediction(status="not_applicable", reason=row.not_applicable, **common)
    x = np.asarray(row.values, dtype=float)
    low, high = meta["age_hours_range"]
    if not low <= x[_INDEX["age_hours"]] <= high:
        return Prediction(
            status="not_applicable",
            reason="age_outside_training_data",
            features=row.as_dict(),
            **common,
        )
    # One batch: the row itself, then the row with each group set to its reference value.
    batch = np.repeat(x[None, :], 1 + len(_GROUP_COLUMNS), axis=0)
    for k, columns in enumerate(_GROUP_COLUMNS.values(), start=1):
        batch[k, columns] = model.reference[columns]
    probabilities = model.probability(batch)
    probability = float(probabilities[0])
    effects = probability - probabilities[1:]
    values = _driver_values(x)
    drivers = [
        {"factor": group, "effect": round(float(effect), 4), "text": R.driver_text(group, values)}
        for group, effect in sorted(
            zip(_GROUP_COLUMNS, effects, strict=True), key=lambda item: -item[1]
        )
        if effect >= DRIVER_MIN_EFFECT
    ][:DRIVERS_SHOWN]
    return Prediction(
        status="scored",
        probability=round(probability, 4),
        drivers=drivers,
        features=row.as_dict(),
        **common,
    )


def apply_safety_rule(result: Assessment, prediction: Prediction) -> None:
    """Raise (never lower) the engine's action and shorten (never lengthen) the next
    measurement from the model's probability. Mutates `result`."""
    result.risk_model = prediction.to_dict()
    if prediction.status != "scored" or prediction.probability < prediction.watch_probability:
        return
    if prediction.probability >= prediction.review_probability:
        floor, code, cut = Action.DOCTOR_REVIEW, "model_review", prediction.review_probability
    else:
        floor, code, cut = Action.REPEAT_SOONER, "model_watch", prediction.watch_probability
    if floor > result.action:
        result.action = floor
    if result.action < Action.URGENT_REFERRAL:  # at referral the hospital measures now
        window = result.next_measurement_window_hours
        if window is None or window[1] > MODEL_WINDOW_HOURS[1]:
            window = MODEL_WINDOW_HOURS
        result.next_measurement_window_hours = window
        result.next_measurement_hours = float(window[1])
    ctx = {
        "next_measurement_hours": result.next_measurement_hours,
        "model_probability_text": f"{prediction.probability:.0%}",
        "model_cut_text": f"{cut:.0%}" if cut >= 0.01 else f"{cut:.1%}",
        "model_drivers_text": {
            language: "; ".join(d["text"][language] for d in prediction.drivers) or "—"
            for language in R.LANGUAGES
        },
    }
    result.reasons[0] = R.reason("action_" + result.action.code, ctx)
    result.reasons.append(R.reason(code, ctx))


def assess(
    infant: InfantFacts,
    reading: ReadingFacts | None,
    previous: Sequence[ReadingFacts] = (),
    observations: Sequence[ObservationFacts] = (),
    *,
    model: TrainedModel | None,
    unavailable_reason: str | None = None,
    photos: Sequence[PhotoFacts] = (),
) -> Assessment:
    """The guideline's assessment, with the model's probability and the safety rule applied."""
    result = guideline_assess(infant, reading, previous, observations, photos)
    if reading is None:
        prediction = Prediction(status="not_applicable", reason="no_reading")
    elif model is None:
        prediction = Prediction(status="unavailable", reason=unavailable_reason or "not_loaded")
    else:
        row = features.compute(infant, reading, previous, observations, photos)
        prediction = predict(model, row)
    apply_safety_rule(result, prediction)
    return result
