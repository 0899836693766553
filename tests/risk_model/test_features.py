"""Features at a reading come from what was known at that moment, computed one way."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk_model import features
from risk_model.dataset import build, infant_facts, photo_facts, reading_facts, weight_facts
from risk_model.guideline import InfantFacts, ObservationFacts, PhotoFacts, ReadingFacts
from risk_model.simulator import simulate
from risk_model.tables import Kind, aap_threshold_mg_dl

NAMES = features.FEATURES


def value(row: features.Row, name: str) -> float:
    return row.values[NAMES.index(name)]


G6PD_INFANT = InfantFacts(
    gestational_age_weeks=37,
    gestational_age_days=3,
    birth_weight_g=3000,
    neurotoxicity_risk=True,
    feeding="exclusive_breastfeeding",
    neurotoxicity_factors=("g6pd_deficiency",),
    hyperbilirubinemia_factors=("family_phototherapy",),
)


def test_features_of_a_worked_example():
    """37+3 weeks with G6PD deficiency (with-risk curves), TcB 9.0 at 40 h then 12.5 at 60 h,
    weighed 2760 g at 50 h (8 % below birth weight)."""
    earlier = ReadingFacts(age_hours=40, value=9.0, unit="mg/dL", method="tcb")
    reading = ReadingFacts(age_hours=60, value=213.75, unit="umol/L", method="tcb")  # 12.5
    weighed = ObservationFacts(age_hours=50, weight_g=2760)

    row = features.compute(G6PD_INFANT, reading, [earlier], [weighed])

    threshold_60 = aap_threshold_mg_dl(
        Kind.PHOTOTHERAPY, ga_weeks=37, neurotoxicity_risk=True, age_hours=60
    )
    threshold_40 = aap_threshold_mg_dl(
        Kind.PHOTOTHERAPY, ga_weeks=37, neurotoxicity_risk=True, age_hours=40
    )
    assert value(row, "value_mg_dl") == pytest.approx(12.5)
    assert value(row, "gap_to_phototherapy_mg_dl") == pytest.approx(threshold_60 - 12.5)
    assert value(row, "hours_since_previous") == 20
    assert value(row, "rise_mg_dl_per_hour") == pytest.approx(3.5 / 20)
    assert value(row, "gap_change_mg_dl_per_hour") == pytest.approx(
        ((threshold_60 - 12.5) - (threshold_40 - 9.0)) / 20
    )
    assert value(row, "weight_loss_fraction") == pytest.approx(0.08)
    assert value(row, "gestational_age_weeks") == pytest.approx(37 + 3 / 7)
    assert value(row, "g6pd_deficiency") == 1.0
    assert value(row, "isoimmune_haemolysis") == 0.0
    assert value(row, "family_phototherapy") == 1.0
    assert value(row, "exclusive_breastfeeding") == 1.0
    assert math.isnan(value(row, "photo_estimate_mg_dl"))
    assert 0.6 < value(row, "nomogram_position") < 0.7  # just under the 75th track at 60 h


def test_photo_feature_is_the_latest_estimate_in_the_hours_before_the_reading():
    reading = ReadingFacts(age_hours=60, value=12.5, unit="mg/dL", method="tcb")
    photos = [
        PhotoFacts(age_hours=60 - features.PHOTO_FEATURE_HOURS - 1, estimate_mg_dl=20.0),  # old
        PhotoFacts(age_hours=50, estimate_mg_dl=11.0),
        PhotoFacts(age_hours=55, estimate_mg_dl=13.0),
        PhotoFacts(age_hours=61, estimate_mg_dl=25.0),  # after the reading: never seen
    ]
    row = features.compute(G6PD_INFANT, reading, photos=photos)
    assert value(row, "photo_estimate_mg_dl") == 13.0

    only_stale = features.compute(G6PD_INFANT, reading, photos=[photos[0], photos[3]])
    assert math.isnan(value(only_stale, "photo_estimate_mg_dl"))


def test_unassessed_risk_factors_are_missing_not_absent():
    infant = InfantFacts(gestational_age_weeks=39, birth_weight_g=3400, neurotoxicity_risk=None)
    reading = ReadingFacts(age_hours=50, value=10, unit="mg/dL", method="tsb")

    row = features.compute(infant, reading)

    for name in ("neurotoxicity_curves", "g6pd_deficiency", "isoimmune_haemolysis"):
        assert math.isnan(value(row, name)), name
    assert value(row, "method_tsb") == 1.0


@pytest.mark.parametrize(
    ("weeks", "age_hours", "reason"),
    [
        (34, 50.0, "outside_guideline"),
        (38, None, "birth_time_missing"),
        (38, 337.0, "beyond_follow_up"),
    ],
)
def test_no_features_where_there_is_no_threshold_to_predict(weeks, age_hours, reason):
    infant = InfantFacts(gestational_age_weeks=weeks, birth_weight_g=2600, neurotoxicity_risk=False)
    reading = ReadingFacts(age_hours=age_hours, value=10, unit="mg/dL", method="tcb")

    row = features.compute(infant, reading)

    assert row.values is None
    assert row.not_applicable == reason


readings = st.lists(
    st.tuples(
        st.floats(min_value=1, max_value=330),
        st.floats(min_value=0.5, max_value=25),
        st.sampled_from(["tcb", "tsb", "visual"]),
    ),
    min_size=2,
    max_size=8,
)
weights = st.lists(
    st.tuples(st.floats(min_value=1, max_value=330), st.integers(2500, 3500)), max_size=5
)


@settings(max_examples=150, deadline=None)
@given(readings, weights, st.data())
def test_features_never_peek_ahead(history, weighings, data):
    """Adding anything measured after the reading — readings or weights — changes nothing."""
    history = sorted(history)
    k = data.draw(st.integers(0, len(history) - 1))
    reading = ReadingFacts(history[k][0], history[k][1], "mg/dL", history[k][2])
    past = [ReadingFacts(a, v, "mg/dL", m) for a, v, m in history[:k] if a < reading.age_hours]
    future = [ReadingFacts(a, v, "mg/dL", m) for a, v, m in history if a > reading.age_hours]
    weighed = [ObservationFacts(a, weight_g=w) for a, w in weighings]
    weighed_past = [o for o in weighed if o.age_hours <= reading.age_hours]

    with_future = features.compute(G6PD_INFANT, reading, past + future, weighed)
    without = features.compute(G6PD_INFANT, reading, past, weighed_past)

    assert np.array_equal(with_future.values, without.values, equal_nan=True)


def test_training_rows_are_the_features_of_each_reading_from_its_own_past():
    """dataset.build gives, for every reading, exactly features.compute on the readings,
    weights and photo estimates before it: the training matrix is built with the serving
    function."""
    cohort = simulate(200, seed=3)
    data = build(cohort)
    r = cohort.readings
    assert len(data) == len(r["infant"]) > 500  # every simulated reading is in the guideline
    for k in range(len(r["infant"])):
        i = r["infant"][k]
        mine = np.flatnonzero(r["infant"] == i)
        before = [reading_facts(cohort, j) for j in mine if j < k]
        weighed = [
            weight_facts(cohort, w)
            for w in np.flatnonzero(cohort.weights["infant"] == i)
            if cohort.weights["age_hours"][w] <= r["age_hours"][k]
        ]
        photos = [
            photo_facts(cohort, p)
            for p in np.flatnonzero(cohort.photos["infant"] == i)
            if cohort.photos["age_hours"][p] <= r["age_hours"][k]
        ]
        expected = features.compute(
            infant_facts(cohort, i), reading_facts(cohort, k), before, weighed, photos
        )
        assert np.array_equal(data.X[k], expected.values, equal_nan=True)
