"""The model beside the guideline: it may raise the urgency, never lower it."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk_model import features, serving
from risk_model import model as risk
from risk_model.guideline import Action, InfantFacts, ReadingFacts
from risk_model.guideline import assess as guideline_assess


@pytest.fixture(scope="module")
def trained(trained_risk_model):
    return risk.load(trained_risk_model)


infants = st.builds(
    InfantFacts,
    gestational_age_weeks=st.integers(33, 42),
    gestational_age_days=st.integers(0, 6),
    birth_weight_g=st.integers(1800, 4500),
    neurotoxicity_risk=st.sampled_from([True, False, None]),
    feeding=st.sampled_from(["exclusive_breastfeeding", "mixed", "formula"]),
)
readings = st.builds(
    ReadingFacts,
    age_hours=st.floats(0, 400),
    value=st.floats(0.5, 30),
    unit=st.just("mg/dL"),
    method=st.sampled_from(["tcb", "tsb", "visual"]),
)


@settings(max_examples=300, deadline=None)
@given(infants, readings, st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_the_model_never_lowers_the_guideline_action_nor_delays_the_next_measurement(
    infant, reading, probability, watch, review
):
    guideline = guideline_assess(infant, reading)
    combined = copy.deepcopy(guideline)
    prediction = serving.Prediction(
        status="scored",
        probability=probability,
        watch_probability=min(watch, review),
        review_probability=max(watch, review),
    )

    serving.apply_safety_rule(combined, prediction)

    assert combined.action >= guideline.action
    if guideline.next_measurement_hours is not None and combined.action < Action.URGENT_REFERRAL:
        assert combined.next_measurement_hours <= guideline.next_measurement_hours
    assert combined.reasons[0]["code"] == "action_" + combined.action.code


@pytest.mark.parametrize(
    ("probability", "action", "window"),
    [
        (0.01, Action.ROUTINE, (24, 48)),
        (0.1, Action.REPEAT_SOONER, (4, 24)),
        (0.6, Action.DOCTOR_REVIEW, (4, 24)),
    ],
)
def test_probability_above_the_watch_and_review_lines_raises_a_routine_reading(
    probability, action, window
):
    """38+0 weeks, no risk factor, TSB 13.0 at 60 h: 4.5 mg/dL below the threshold (17.5),
    the guideline says routine, measure in 1–2 days."""
    infant = InfantFacts(gestational_age_weeks=38, birth_weight_g=3300, neurotoxicity_risk=False)
    result = guideline_assess(infant, ReadingFacts(60, 13.0, "mg/dL", "tsb"))
    assert result.action is Action.ROUTINE

    serving.apply_safety_rule(
        result,
        serving.Prediction(
            status="scored",
            probability=probability,
            watch_probability=0.05,
            review_probability=0.5,
        ),
    )

    assert result.action is action
    assert result.next_measurement_window_hours == window
    codes = [r["code"] for r in result.reasons]
    assert ("model_review" in codes) == (action is Action.DOCTOR_REVIEW)
    assert ("model_watch" in codes) == (action is Action.REPEAT_SOONER)


def test_a_scored_assessment_carries_probability_version_and_drivers_in_words(trained):
    infant = InfantFacts(
        gestational_age_weeks=37,
        gestational_age_days=1,
        birth_weight_g=2900,
        neurotoxicity_risk=True,
        feeding="exclusive_breastfeeding",
        neurotoxicity_factors=("isoimmune_haemolysis",),
    )
    earlier = ReadingFacts(30, 8.0, "mg/dL", "tcb")

    result = serving.assess(
        infant, ReadingFacts(46, 12.0, "mg/dL", "tcb"), [earlier], model=trained
    )

    view = result.risk_model
    assert view["status"] == "scored"
    assert 0 <= view["probability"] <= 1
    assert view["model_version"] == trained.version
    assert 1 <= len(view["drivers"]) <= 3
    effects = [d["effect"] for d in view["drivers"]]
    assert effects == sorted(effects, reverse=True) and effects[-1] >= serving.DRIVER_MIN_EFFECT
    for driver in view["drivers"]:
        assert driver["factor"] in features.GROUPS
        assert driver["text"]["en"] and driver["text"]["zh-hans"]
    assert view["features"]["isoimmune_haemolysis"] == 1.0
    assert result.to_dict()["risk_model"] == view


def test_without_a_model_the_guideline_assessment_stands_and_says_so():
    infant = InfantFacts(gestational_age_weeks=39, birth_weight_g=3400, neurotoxicity_risk=False)
    reading = ReadingFacts(50, 10.0, "mg/dL", "tcb")

    result = serving.assess(infant, reading, model=None, unavailable_reason="no file")

    alone = guideline_assess(infant, reading)
    assert result.risk_model["status"] == "unavailable"
    assert result.risk_model["reason"] == "no file"
    assert (result.action, result.reasons) == (alone.action, alone.reasons)


def test_below_35_weeks_the_model_does_not_apply_and_the_clinician_is_asked(trained):
    infant = InfantFacts(gestational_age_weeks=34, birth_weight_g=2300, neurotoxicity_risk=False)

    result = serving.assess(infant, ReadingFacts(50, 10.0, "mg/dL", "tcb"), model=trained)

    assert result.risk_model["status"] == "not_applicable"
    assert result.risk_model["reason"] == "outside_guideline"
    assert result.action >= Action.DOCTOR_REVIEW  # the guideline's own rule outside its range


def test_the_drivers_batch_is_skipped_only_where_no_driver_could_be_named(trained):
    """Below DRIVER_MIN_EFFECT predict() does not score the drivers' batch: there, every
    group's effect (scored here row by row) is below it too. Above it, the drivers named carry
    the effects of their groups' reference rows."""
    import numpy as np

    from risk_model.dataset import build
    from risk_model.simulator import simulate

    data = build(simulate(400, seed=8))
    rows = data.X[np.random.default_rng(1).choice(len(data), 600, replace=False)]
    groups = list(features.GROUPS)
    skipped = named = 0
    for x in rows:
        prediction = serving.predict(trained, features.Row(tuple(x)))
        if prediction.status != "scored":
            continue
        probability = trained.probability(x[None, :])[0]
        references = np.where(serving._REFERENCE_IN_ROW, trained.reference, x)
        effects = probability - trained.probability(references)
        if probability < serving.DRIVER_MIN_EFFECT:
            skipped += 1
            assert prediction.drivers == []
            assert (effects < serving.DRIVER_MIN_EFFECT).all()
        for driver in prediction.drivers:
            named += 1
            assert driver["effect"] == round(float(effects[groups.index(driver["factor"])]), 4)
    assert skipped and named  # both paths were taken
