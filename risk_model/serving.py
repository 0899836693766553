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
    Signal,
    raise_with,
)
from risk_model.guideline import assess as guideline_assess
from risk_model.model import TrainedModel
from risk_model.policy import DEFAULT_POLICY, Policy
from risk_model.units import UMOL_L_PER_MG_DL, mg_dl_shown

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
# The drivers' batch: row k the reading's own features with the columns of the k-th group set
# to the model's reference (typical low-risk) values.
_REFERENCE_IN_ROW = np.zeros((len(_GROUP_COLUMNS), len(features.FEATURES)), dtype=bool)
for _k, _columns in enumerate(_GROUP_COLUMNS.values()):
    _REFERENCE_IN_ROW[_k, _columns] = True


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
    return f"{value:.{digits}f}"


def _present(value: float) -> bool:
    return value == value  # not NaN


# A group is named as a driver only when its facts exist and say what pushes risk up: a rise is
# named only when the bilirubin rose, a flag only when it is set (issue #12: drivers speak only
# of data that exist).
def _driver_applies(group: str, get: dict) -> bool:
    if group == "rise":
        return _present(get["rise_mg_dl_per_hour"]) and get["rise_mg_dl_per_hour"] > 0
    if group == "photo":
        return _present(get["photo_estimate_mg_dl"])
    if group == "weight_loss":
        return _present(get["weight_loss_fraction"]) and get["weight_loss_fraction"] > 0
    if group == "level":
        return _present(get["gap_to_phototherapy_mg_dl"])
    if group in ("age", "gestation", "method"):
        return True
    return any(_present(get[name]) and get[name] > 0 for name in features.GROUPS[group])


def _driver_values(get: dict) -> dict:
    """The row's values as the driver texts show them, per language."""
    gap, rise, photo = (
        get["gap_to_phototherapy_mg_dl"],
        get["rise_mg_dl_per_hour"],
        get["photo_estimate_mg_dl"],
    )
    method = "visual" if get["method_visual"] == 1 else "tsb" if get["method_tsb"] == 1 else "tcb"
    common = {
        "z": _fmt(get["nomogram_position"], 2),
        "since": _fmt(get["hours_since_previous"], 0)
        if _present(get["hours_since_previous"])
        else "",
        "age": _fmt(get["age_hours"], 0),
        "ga": _fmt(get["gestational_age_weeks"], 1),
        "bw": _fmt(get["birth_weight_g"], 0) if _present(get["birth_weight_g"]) else "",
        "loss": _fmt(get["weight_loss_fraction"] * 100)
        if _present(get["weight_loss_fraction"])
        else "",
    }
    values = {}
    for language in R.LANGUAGES:
        values[language] = {
            **common,
            "gap": R.both_units(mg_dl_shown(gap), round(gap * UMOL_L_PER_MG_DL), language)
            if _present(gap)
            else "",
            "rise": R.both_units(round(rise, 2), round(rise * UMOL_L_PER_MG_DL, 1), language)
            if _present(rise)
            else "",
            "photo": R.both_units(mg_dl_shown(photo), round(photo * UMOL_L_PER_MG_DL), language)
            if _present(photo)
            else "",
            "method": R.METHOD_NAMES[language][method],
        }
    return values


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
    probability = float(model.probability(x[None, :])[0])
    named = []
    # A group's effect is the probability minus a probability, so at most the probability
    # itself: below DRIVER_MIN_EFFECT no driver can be named, and the drivers' batch is not
    # scored (most readings; bench/model_profile.py counts them).
    if probability >= DRIVER_MIN_EFFECT:
        # The row with each group in turn set to its reference value.
        effects = probability - model.probability(np.where(_REFERENCE_IN_ROW, model.reference, x))
        get = {name: x[j] for name, j in _INDEX.items()}
        named = [
            (group, effect)
            for group, effect in sorted(
                zip(_GROUP_COLUMNS, effects, strict=True), key=lambda item: -item[1]
            )
            if effect >= DRIVER_MIN_EFFECT and _driver_applies(group, get)
        ][:DRIVERS_SHOWN]
    # The texts' values only when a driver is named (most readings name none).
    values = _driver_values(get) if named else None
    drivers = [
        {"factor": group, "effect": round(float(effect), 4), "text": R.driver_text(group, values)}
        for group, effect in named
    ]
    return Prediction(
        status="scored",
        probability=round(probability, 4),
        drivers=drivers,
        features=row.as_dict(),
        **common,
    )


def _percent(value: float) -> str:
    return f"{value:.0%}" if value >= 0.01 else f"{value:.1%}"


def apply_safety_rule(result: Assessment, prediction: Prediction) -> None:
    """Raise (never lower) the engine's action and bring forward (never push back) the next
    measurement from the model's probability. Mutates `result`."""
    result.risk_model = prediction.to_dict()
    if prediction.status != "scored" or prediction.probability < prediction.watch_probability:
        return
    if prediction.probability >= prediction.review_probability:
        floor, code, cut = Action.DOCTOR_REVIEW, "model_review", prediction.review_probability
    else:
        floor, code, cut = Action.REPEAT_SOONER, "model_watch", prediction.watch_probability
    detail = {
        "window_hours": MODEL_WINDOW_HOURS,
        "probability_text": _percent(prediction.probability),
        "cut_text": _percent(cut),
        "drivers_text": {
            language: R.WORDS[language]["sep"].join(d["text"][language] for d in prediction.drivers)
            or R.WORDS[language]["none"]
            for language in R.LANGUAGES
        },
    }
    # Counted from the moment assessed; it can only bring the next measurement forward.
    origin = result.basis_age_hours or 0.0
    window = (origin + MODEL_WINDOW_HOURS[0], origin + MODEL_WINDOW_HOURS[1])
    raise_with(result, Signal(code, floor, detail, window))


def assess(
    infant: InfantFacts,
    reading: ReadingFacts | None,
    previous: Sequence[ReadingFacts] = (),
    observations: Sequence[ObservationFacts] = (),
    *,
    model: TrainedModel | None,
    unavailable_reason: str | None = None,
    photos: Sequence[PhotoFacts] = (),
    at_age_hours: float | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Assessment:
    """The guideline's assessment, with the model's probability and the safety rule applied.

    The model scores the newest reading. It is not asked where its question is moot or its
    input untrustworthy: no reading, a value that needs confirming, an infant the guideline
    already sends to hospital (no "probability of reaching the threshold" once at it).
    """
    result = guideline_assess(
        infant, reading, previous, observations, photos, at_age_hours=at_age_hours, policy=policy
    )
    doubtful = reading is not None and (
        reading.needs_confirmation is not None
        or (result.trigger or {}).get("needs_confirmation") is not None
    )
    if reading is None:
        prediction = Prediction(status="not_applicable", reason="no_reading")
    elif doubtful:
        prediction = Prediction(status="not_applicable", reason="value_needs_confirmation")
    elif result.decided_by == "treating_team":  # under phototherapy: not what it learnt from
        prediction = Prediction(status="not_applicable", reason="under_phototherapy")
    elif model is None:
        prediction = Prediction(status="unavailable", reason=unavailable_reason or "not_loaded")
    else:
        trusted = [r for r in previous if r.needs_confirmation is None]
        row = features.compute(infant, reading, trusted, observations, photos)
        if result.action >= Action.URGENT_REFERRAL:
            # The features are kept (the outcome the model will learn from); no probability is
            # asked or shown once the guideline itself sends the infant to hospital.
            prediction = Prediction(
                status="not_applicable", reason="guideline_already_acts", features=row.as_dict()
            )
        else:
            prediction = predict(model, row)
    apply_safety_rule(result, prediction)
    return result
