"""Safety properties of issue #12, over generated histories (hypothesis):

- adding a visual estimate, a photo estimate or the model's signal never lowers the action nor
  pushes the next measurement later;
- within the neonatal period every assessment names a time to measure by, or who decides;
- every text is complete in both languages: no placeholder, no "None", no raw code, no English
  word in a Chinese text, no Chinese in an English one.
"""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from risk_model import serving
from risk_model.guideline import (
    NEONATAL_PERIOD_HOURS,
    Action,
    ClinicianThresholds,
    InfantFacts,
    ObservationFacts,
    PhotoFacts,
    PhototherapyFacts,
    ReadingFacts,
    assess,
)

infants = st.builds(
    InfantFacts,
    gestational_age_weeks=st.one_of(st.none(), st.integers(30, 42)),
    gestational_age_days=st.integers(0, 6),
    birth_weight_g=st.one_of(st.none(), st.integers(1500, 4500)),
    neurotoxicity_risk=st.one_of(st.none(), st.booleans()),
    feeding=st.sampled_from([None, "exclusive_breastfeeding", "mixed", "formula"]),
    hyperbilirubinemia_factors=st.sampled_from([(), ("haemolysis",)]),
    clinician_thresholds=st.one_of(
        st.none(),
        st.builds(
            ClinicianThresholds,
            phototherapy_mg_dl=st.floats(6, 15),
            exchange_mg_dl=st.one_of(st.none(), st.floats(16, 22)),
        ),
    ),
    phototherapy=st.one_of(
        st.just(()),
        st.tuples(st.floats(20, 120), st.one_of(st.none(), st.floats(6, 48))).map(
            lambda t: (PhototherapyFacts(t[0], None if t[1] is None else t[0] + t[1]),)
        ),
    ),
)


@st.composite
def histories(draw):
    """Readings in time order (meter, lab, visual; mg/dL or µmol/L), a few observations and the
    moment assessed, at or after the newest reading."""
    ages = sorted(draw(st.lists(st.floats(0.5, 500), min_size=0, max_size=5, unique=True)))
    readings = []
    for age in ages:
        unit = draw(st.sampled_from(["mg/dL", "umol/L"]))
        mg = draw(st.floats(0, 30))
        value = round(mg * 17.1) if unit == "umol/L" else round(mg, 1)
        method = draw(st.sampled_from(["tcb", "tsb", "visual"]))
        verdict = draw(st.sampled_from([None, None, None, "implausible_fall"]))
        readings.append(ReadingFacts(age, value, unit, method, verdict))
    last = ages[-1] if ages else 0.5
    at = last + draw(st.floats(0, 30))
    observations = draw(
        st.lists(
            st.builds(
                ObservationFacts,
                age_hours=st.floats(0, at),
                stool_pale=st.one_of(st.none(), st.booleans()),
                lethargy=st.one_of(st.none(), st.booleans()),
                high_pitched_cry=st.one_of(st.none(), st.booleans()),
                weight_g=st.one_of(st.none(), st.integers(2000, 4000)),
            ),
            max_size=2,
        )
    )
    return readings, observations, at


def _base(infant, history):
    readings, observations, at = history
    newest = readings[-1] if readings else None
    return assess(infant, newest, readings[:-1], observations, at_age_hours=at)


def _no_later(result, reference):
    """`result` is at least as urgent as `reference` and asks for a measurement no later."""
    assert result.action >= reference.action
    if result.action >= Action.URGENT_REFERRAL:
        return  # the hospital measures now
    due, before = result.next_measurement_due_age_hours, reference.next_measurement_due_age_hours
    if before is not None:
        assert due is not None and due <= before + 1e-9, (due, before)


@settings(max_examples=400, deadline=None)
@given(infant=infants, history=histories(), value=st.floats(0, 30), after=st.floats(0, 24))
def test_a_visual_estimate_never_lowers_nor_delays(infant, history, value, after):
    readings, observations, at = history
    at = at + after
    without = _base(infant, (readings, observations, at))
    visual = ReadingFacts(at, round(value, 1), "mg/dL", "visual")
    with_visual = assess(infant, visual, readings, observations)

    _no_later(with_visual, without)


@settings(max_examples=400, deadline=None)
@given(
    infant=infants,
    history=histories(),
    estimate=st.floats(0, 30),
    band=st.floats(0.5, 5),
    after=st.floats(0, 24),
)
def test_a_photo_estimate_never_lowers_nor_delays(infant, history, estimate, band, after):
    readings, observations, at = history
    at = at + after
    without = _base(infant, (readings, observations, at))
    photo = PhotoFacts(at, estimate, max(0.0, estimate - band), estimate + band)
    newest = readings[-1] if readings else None
    with_photo = assess(
        infant, newest, readings[:-1], observations, photos=[photo], at_age_hours=at
    )

    _no_later(with_photo, without)


@settings(max_examples=300, deadline=None)
@given(infant=infants, history=histories(), probability=st.floats(0, 1))
def test_the_model_never_lowers_nor_delays(infant, history, probability):
    without = _base(infant, history)
    with_model = _base(infant, history)
    serving.apply_safety_rule(
        with_model,
        serving.Prediction(
            status="scored",
            probability=probability,
            watch_probability=0.03,
            review_probability=0.5,
        ),
    )

    _no_later(with_model, without)


@settings(max_examples=400, deadline=None)
@given(infant=infants, history=histories())
def test_every_assessment_names_a_time_or_who_decides(infant, history):
    result = _base(infant, history)

    if result.basis_age_hours <= NEONATAL_PERIOD_HOURS:
        assert (result.next_measurement_due_age_hours is not None) or result.decided_by in (
            "hospital",
            "treating_team",
        )
        if result.action < Action.URGENT_REFERRAL and result.decided_by is None:
            assert result.next_measurement_hours is not None


# Words a Chinese text may carry in Latin letters: units, test names, the guideline's name.
ALLOWED_LATIN = {"TcB", "TSB", "AAP", "mg", "dL", "mol", "L", "G6PD", "DAT", "h", "z"}
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _texts(result):
    for reason in result.reasons:
        for audience in ("parent", "clinician"):
            for language in ("zh-hans", "en"):
                yield reason["code"], language, reason[audience][language]
    for language in ("zh-hans", "en"):
        yield "advice", language, result.advice[language]


def _check_text(code, language, text):
    assert text.strip(), (code, language)
    for bad in ("?", "None", "{", "}", "nan"):
        assert bad not in text, (code, language, text)
    assert not RAW_CODE.search(text), (code, language, text)
    if language == "zh-hans":
        latin = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text))
        assert latin <= ALLOWED_LATIN, (code, latin - ALLOWED_LATIN, text)
    else:
        assert not re.search(r"[\u4e00-\u9fff]", text), (code, text)


@settings(max_examples=500, deadline=None)
@given(
    infant=infants,
    history=histories(),
    photo=st.one_of(st.none(), st.floats(0, 30)),
    probability=st.one_of(st.none(), st.floats(0, 1)),
)
def test_every_text_is_complete_in_both_languages(infant, history, photo, probability):
    readings, observations, at = history
    newest = readings[-1] if readings else None
    photos = [] if photo is None else [PhotoFacts(at, photo, max(0.0, photo - 2), photo + 2)]
    result = assess(infant, newest, readings[:-1], observations, photos, at_age_hours=at)
    if probability is not None:
        serving.apply_safety_rule(
            result,
            serving.Prediction(
                status="scored",
                probability=probability,
                watch_probability=0.03,
                review_probability=0.5,
                drivers=[
                    {
                        "factor": "level",
                        "effect": 0.1,
                        "text": {"zh-hans": "距光疗阈值 34 μmol/L（2.0 mg/dL）", "en": "2.0 mg/dL"},
                    }
                ],
            ),
        )
    for code, language, text in _texts(result):
        _check_text(code, language, text)
