"""A photo estimate in the assessment: its own signal, labelled, raise-only (issues #6, #12).

The photo prompts the assessment at its own moment (`at_age_hours`), as the service does."""

from hypothesis import given
from hypothesis import strategies as st

from risk_model.guideline import (
    Action,
    InfantFacts,
    PhotoFacts,
    ReadingFacts,
    assess,
    thresholds,
)

TERM = InfantFacts(gestational_age_weeks=39, birth_weight_g=3300, neurotoxicity_risk=False)
READING_50H = ReadingFacts(age_hours=50, value=8.0, unit="mg/dL", method="tcb")


def photo_at(age: float, estimate: float, band: float = 2.0) -> PhotoFacts:
    return PhotoFacts(age, estimate, max(estimate - band, 0), estimate + band)


def threshold_at(age: float) -> float:
    return thresholds(ga_weeks=39, age_hours=age, neurotoxicity_risk=False).phototherapy_mg_dl


def codes(result) -> list[str]:
    return [s.code for s in result.signals]


def test_an_estimate_near_the_threshold_asks_a_doctor_for_a_measurement_within_a_day():
    near = threshold_at(60) - 2.0  # within 3 mg/dL, like a TcB that needs confirmation
    result = assess(TERM, READING_50H, photos=[photo_at(60, near)], at_age_hours=60)

    assert result.action is Action.DOCTOR_REVIEW
    assert "estimate_high" in codes(result)
    assert result.next_measurement_window_hours == (4, 24)
    assert result.next_measurement_due_age_hours == 84
    text = next(r for r in result.reasons if r["code"] == "estimate_high")["clinician"]["en"]
    assert text.startswith("Photo estimate") and "not a measurement" in text
    assert "within 4–24 h" in text
    # The reading's own numbers are untouched: the estimate never becomes the value.
    assert result.value_mg_dl == 8.0


def test_only_the_upper_end_of_the_band_near_the_threshold_asks_to_measure_sooner():
    estimate = threshold_at(60) - 4.0  # the band's upper end (+2) is within 3 mg/dL
    result = assess(TERM, READING_50H, photos=[photo_at(60, estimate)], at_age_hours=60)

    assert "estimate_uncertain" in codes(result)
    assert result.action is Action.REPEAT_SOONER
    assert result.next_measurement_window_hours == (4, 24)


def test_a_low_estimate_is_recorded_and_changes_nothing():
    without = assess(TERM, READING_50H)
    result = assess(TERM, READING_50H, photos=[photo_at(60, 4.0)], at_age_hours=60)

    assert "photo_estimate" in codes(result)
    assert result.action == without.action
    assert result.next_measurement_due_age_hours == without.next_measurement_due_age_hours


def test_a_meter_reading_after_the_photo_answers_it():
    high_photo = photo_at(45, threshold_at(45))
    result = assess(TERM, READING_50H, photos=[high_photo])

    assert not any("estimate" in code for code in codes(result))


def test_in_the_first_day_the_measurement_is_asked_within_hours():
    result = assess(TERM, None, photos=[photo_at(20, 10.0)], at_age_hours=20)

    assert result.action is Action.DOCTOR_REVIEW
    assert "first_24_hours" in codes(result)  # a photo on day one: jaundice noticed early
    assert result.next_measurement_window_hours == (4, 8)


def test_outside_the_guideline_a_photo_asks_for_a_doctor_whatever_the_estimate():
    preterm = InfantFacts(gestational_age_weeks=33, birth_weight_g=1900, neurotoxicity_risk=False)
    result = assess(preterm, None, photos=[photo_at(60, 3.0)], at_age_hours=60)

    assert result.action is Action.DOCTOR_REVIEW
    assert "estimate_outside_guideline" in codes(result)


@given(
    age=st.floats(1, 300),
    value=st.floats(0.5, 30),
    method=st.sampled_from(["tcb", "tsb", "visual"]),
    photo_after=st.floats(0.1, 24),
    estimate=st.floats(0, 30),
    band=st.floats(0.5, 5),
    weeks=st.integers(33, 41),
    risk=st.sampled_from([True, False, None]),
)
def test_a_photo_never_lowers_the_urgency_nor_lengthens_the_wait(
    age, value, method, photo_after, estimate, band, weeks, risk
):
    infant = InfantFacts(gestational_age_weeks=weeks, birth_weight_g=3000, neurotoxicity_risk=risk)
    reading = ReadingFacts(age_hours=age, value=value, unit="mg/dL", method=method)
    at = age + photo_after
    without = assess(infant, reading, at_age_hours=at)
    result = assess(infant, reading, photos=[photo_at(at, estimate, band)], at_age_hours=at)

    assert result.action >= without.action
    if (
        without.next_measurement_due_age_hours is not None
        and result.action < Action.URGENT_REFERRAL
    ):
        assert result.next_measurement_due_age_hours is not None
        assert result.next_measurement_due_age_hours <= without.next_measurement_due_age_hours
