"""The engine's faster paths give exactly what the plain code gave (bench/assessment_speed.py):
`to_dict()` without `dataclasses.asdict`, the cached numbers as shown, the lookups of methods and
units. Compared on repr, so a tuple for a list or 1 for 1.0 would fail too."""

from dataclasses import asdict
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk_model import model as risk
from risk_model import serving
from risk_model.guideline import (
    InfantFacts,
    ObservationFacts,
    PhotoFacts,
    PhototherapyFacts,
    ReadingFacts,
    _plain,
    assess,
)
from risk_model.units import Unit, as_unit, mg_dl_shown, threshold_umol_l_shown


def asdict_to_dict(result) -> dict:
    """`Assessment.to_dict()` as it was written before, on `dataclasses.asdict`."""
    data = asdict(result)
    data["action"] = result.action.code
    data["action_level"] = int(result.action)
    data["zone"] = result.zone.value if result.zone else None
    data["signals"] = [
        {"code": s.code, "action_floor": s.action_floor.code, **_plain(s.detail)}
        for s in result.signals
    ]
    window = result.next_measurement_window_hours
    data["next_measurement_window_hours"] = list(window) if window else None
    return data


@pytest.fixture(scope="module")
def trained(trained_risk_model):
    return risk.load(trained_risk_model)


ages = st.floats(0, 400)
infants = st.builds(
    InfantFacts,
    gestational_age_weeks=st.one_of(st.none(), st.integers(30, 42)),
    gestational_age_days=st.integers(0, 6),
    birth_weight_g=st.one_of(st.none(), st.integers(1800, 4500)),
    neurotoxicity_risk=st.sampled_from([True, False, None]),
    feeding=st.sampled_from(["exclusive_breastfeeding", "mixed", "formula", None]),
    phototherapy=st.lists(
        st.builds(PhototherapyFacts, ages, st.one_of(st.none(), ages)), max_size=1
    ).map(tuple),
)
readings = st.builds(
    ReadingFacts,
    age_hours=st.one_of(st.none(), ages),
    value=st.floats(0.5, 30),
    unit=st.sampled_from(["mg/dL", Unit.MG_DL]),
    method=st.sampled_from(["tcb", "tsb", "visual"]),
)
histories = st.lists(
    st.builds(
        ReadingFacts,
        age_hours=ages,
        value=st.floats(5, 500),
        unit=st.just("umol/L"),
        method=st.sampled_from(["tcb", "tsb", "visual"]),
    ),
    max_size=4,
)
observations = st.lists(
    st.builds(
        ObservationFacts,
        age_hours=ages,
        stool_pale=st.sampled_from([None, True, False]),
        lethargy=st.sampled_from([None, True, False]),
        seizures=st.sampled_from([None, True]),
        weight_g=st.one_of(st.none(), st.integers(2000, 4000)),
    ),
    max_size=3,
)
photos = st.lists(
    st.builds(PhotoFacts, age_hours=ages, estimate_mg_dl=st.floats(0, 25)), max_size=2
)


@settings(max_examples=200, deadline=None)
@given(infants, readings, histories, observations, photos)
def test_to_dict_is_what_asdict_gave(infant, reading, history, observed, photographed):
    result = assess(infant, reading, history, observed, photographed)
    data = result.to_dict()
    assert repr(data) == repr(asdict_to_dict(result))
    # Containers of its own, as asdict's were: changing the output changes nothing inside.
    assert data["reasons"][0] is not result.reasons[0]
    assert data["thresholds"] is not result.thresholds


@settings(max_examples=50, deadline=None)
@given(infants, readings, histories, observations)
def test_to_dict_with_the_models_view_is_what_asdict_gave(
    trained, infant, reading, history, observed
):
    result = serving.assess(infant, reading, history, observed, model=trained)
    assert repr(result.to_dict()) == repr(asdict_to_dict(result))


def test_the_number_shown_is_the_decimal_rounding_of_what_is_written():
    """Cached by the float's repr: -0.0 and 0.0 are equal numbers but not the same text."""
    for value in (0.0, -0.0, 0.05, -0.05, 0.15, 2.675, 12.25, 1e-9, 16.04999, 38.95, 1e6):
        for _ in range(2):  # computed, then from the cache
            expected = Decimal(repr(float(value))).quantize(Decimal("0.1"), ROUND_HALF_UP)
            assert str(mg_dl_shown(value)) == str(expected)
    assert str(mg_dl_shown(-0.0)) == "-0.0" and str(mg_dl_shown(0.0)) == "0.0"


def test_a_threshold_in_umol_l_is_the_same_for_equal_numbers_of_any_type():
    for shown in (Decimal("16.0"), Decimal("16.00"), 16.0, Decimal("-0.0"), Decimal("0.0")):
        for unit in (Unit.UMOL_L, "umol/L", Unit.MG_DL, "mg/dL"):
            number = Decimal(shown)
            if as_unit(unit) is Unit.UMOL_L:
                lowest = (number - Decimal("0.05")) * Decimal("17.1")
                expected = int(lowest.to_integral_value(rounding=ROUND_CEILING))
            else:
                expected = int((number * Decimal("17.1")).quantize(Decimal(1), ROUND_HALF_UP))
            assert threshold_umol_l_shown(shown, unit) == expected


def test_methods_and_units_are_looked_up_and_anything_else_is_refused_as_before():
    assert as_unit("mg/dL") is Unit.MG_DL and as_unit(Unit.UMOL_L) is Unit.UMOL_L
    with pytest.raises(ValueError):
        as_unit("mmol/L")
    with pytest.raises(ValueError):
        as_unit(["mg/dL"])
    reading = ReadingFacts(age_hours=30, value=10, unit="mg/dL", method="lab")
    with pytest.raises(ValueError):
        _ = reading.evidence
