"""Properties that must hold everywhere, checked with hypothesis."""

from hypothesis import given, settings
from hypothesis import strategies as st

from risk_model.guideline import InfantFacts, ReadingFacts, assess, thresholds
from risk_model.tables import Kind, aap_threshold_mg_dl

weeks = st.integers(min_value=35, max_value=42)
kinds = st.sampled_from(list(Kind))
risk = st.booleans()


@given(kind=kinds, ga=weeks, risky=risk, age=st.floats(1, 95), step=st.floats(0, 1))
def test_thresholds_never_fall_as_age_rises_in_first_96_hours(kind, ga, risky, age, step):
    earlier = aap_threshold_mg_dl(kind, ga_weeks=ga, neurotoxicity_risk=risky, age_hours=age)
    later = aap_threshold_mg_dl(kind, ga_weeks=ga, neurotoxicity_risk=risky, age_hours=age + step)
    assert later >= earlier


@given(kind=kinds, ga=weeks, age=st.floats(0, 700))
def test_a_neurotoxicity_risk_factor_never_raises_a_threshold(kind, ga, age):
    with_risk = aap_threshold_mg_dl(kind, ga_weeks=ga, neurotoxicity_risk=True, age_hours=age)
    without = aap_threshold_mg_dl(kind, ga_weeks=ga, neurotoxicity_risk=False, age_hours=age)
    assert with_risk <= without


@given(kind=kinds, ga=st.integers(36, 42), risky=risk, age=st.floats(0, 700))
def test_a_lower_gestational_age_never_raises_a_threshold(kind, ga, risky, age):
    lower = aap_threshold_mg_dl(kind, ga_weeks=ga - 1, neurotoxicity_risk=risky, age_hours=age)
    higher = aap_threshold_mg_dl(kind, ga_weeks=ga, neurotoxicity_risk=risky, age_hours=age)
    assert lower <= higher


@settings(max_examples=300)
@given(
    ga=st.integers(30, 42),
    risky=st.one_of(st.none(), risk),
    age=st.floats(0, 672),
    method=st.sampled_from(["tcb", "tsb", "visual"]),
    value=st.floats(0, 39),
    rise=st.floats(0.01, 10),
)
def test_action_never_becomes_less_urgent_as_the_value_rises(ga, risky, age, method, value, rise):
    infant = InfantFacts(gestational_age_weeks=ga, birth_weight_g=3200, neurotoxicity_risk=risky)
    lower = assess(infant, ReadingFacts(age_hours=age, value=value, unit="mg/dL", method=method))
    higher = assess(
        infant, ReadingFacts(age_hours=age, value=value + rise, unit="mg/dL", method=method)
    )
    assert higher.action >= lower.action


@given(ga=st.integers(22, 34), age=st.floats(0, 336), value=st.floats(0, 40))
def test_below_35_weeks_never_gets_a_threshold_or_routine_advice(ga, age, value):
    th = thresholds(ga_weeks=ga, age_hours=age, neurotoxicity_risk=False)
    assert (th.applies, th.phototherapy_mg_dl) == (False, None)
    result = assess(
        InfantFacts(gestational_age_weeks=ga, neurotoxicity_risk=False),
        ReadingFacts(age_hours=age, value=value, unit="mg/dL", method="tsb"),
    )
    assert result.action.code in ("doctor_review", "urgent_referral", "emergency")
