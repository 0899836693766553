"""Cases a clinician would check by hand. Table values quoted in each test come from
risk_model/data/aap2022_thresholds.csv (AAP 2022 supplement tables)."""

import pytest

from risk_model.guideline import (
    Action,
    InfantFacts,
    ObservationFacts,
    ReadingFacts,
    assess,
)
from risk_model.policy import Policy
from risk_model.reasons import TEXTS

# 38+0 weeks, no neurotoxicity risk factor, 3.3 kg.
# At 48 h: phototherapy 16.0, exchange 24.0 → escalation 22.0 mg/dL.
TERM = InfantFacts(
    gestational_age_weeks=38,
    gestational_age_days=0,
    birth_weight_g=3300,
    neurotoxicity_risk=False,
    feeding="formula",
)


def tsb(value, *, age=48.0, unit="mg/dL", method="tsb"):
    return ReadingFacts(age_hours=age, value=value, unit=unit, method=method)


@pytest.mark.parametrize(
    ("value", "action", "gap", "next_hours"),
    [
        (8.0, Action.ROUTINE, 8.0, 72),  # Δ ≥ 7.0, < 72 h: follow-up within 3 days
        (11.0, Action.ROUTINE, 5.0, 48),  # Δ 3.5–5.4: TcB or TSB in 1–2 days
        (13.0, Action.REPEAT_SOONER, 3.0, 24),  # Δ 2.0–3.4: TcB or TSB in 4–24 h
        (14.5, Action.DOCTOR_REVIEW, 1.5, 24),  # Δ 0.1–1.9, ≥ 24 h: TSB in 4–24 h
        (16.0, Action.URGENT_REFERRAL, 0.0, None),  # exactly at the phototherapy threshold
        (15.96, Action.URGENT_REFERRAL, 0.0, None),  # Δ 0.04 rounds to 0.0 (DOMAIN.md)
        (21.9, Action.URGENT_REFERRAL, -5.9, None),  # 0.1 below escalation of care
        (22.0, Action.EMERGENCY, -6.0, None),  # exactly at escalation (exchange 24.0 − 2)
        (25.0, Action.EMERGENCY, -9.0, None),  # above exchange
    ],
)
def test_each_action_level_in_mg_dl(value, action, gap, next_hours):
    result = assess(TERM, tsb(value))
    assert result.thresholds.phototherapy_mg_dl == 16.0
    assert result.thresholds.exchange_mg_dl == 24.0
    assert result.thresholds.escalation_mg_dl == 22.0
    assert (result.action, result.gap_mg_dl, result.next_measurement_hours) == (
        action,
        gap,
        next_hours,
    )


# Beside a µmol/L value the threshold is written as the first whole µmol/L that reaches 16.0
# mg/dL as shown: 273 (272.7 shows as 15.9... 273 as 16.0), so "273 ≥ 273" and "16.0 ≥ 16.0" say
# the same (issue #12: decide on what is shown, show what is decided).
@pytest.mark.parametrize(
    ("umol_l", "action", "gap_umol_l"),
    [
        (137, Action.ROUTINE, 136),  # 8.0 mg/dL: Δ 8.0
        (222, Action.REPEAT_SOONER, 51),  # 12.98 → 13.0 mg/dL: Δ 3.0
        (272, Action.DOCTOR_REVIEW, 1),  # 15.906 → 15.9 mg/dL: Δ 0.1
        (273, Action.URGENT_REFERRAL, 0),  # 15.965 → 16.0 mg/dL: Δ 0.0, at the threshold
        (375, Action.URGENT_REFERRAL, -102),  # 21.93 → 21.9 mg/dL: 0.1 below escalation 22.0
        (376, Action.EMERGENCY, -103),  # 21.99 → 22.0 mg/dL: at escalation
    ],
)
def test_each_action_level_in_umol_l(umol_l, action, gap_umol_l):
    result = assess(TERM, tsb(umol_l, unit="umol/L"))
    assert (result.action, result.gap_umol_l) == (action, gap_umol_l)
    assert result.gap_in_reading_unit == gap_umol_l
    assert result.value_umol_l == umol_l


def test_23_9_hours_and_24_1_hours_fall_on_either_side_of_the_first_day():
    # Phototherapy at 23.9 h = 12.1 + 0.9 × (12.3 − 12.1) = 12.28; at 24.1 h = 12.31.
    before = assess(TERM, tsb(11.0, age=23.9))
    after = assess(TERM, tsb(11.0, age=24.1))
    assert before.thresholds.phototherapy_mg_dl == pytest.approx(12.28)
    assert after.thresholds.phototherapy_mg_dl == pytest.approx(12.31)
    assert before.gap_mg_dl == after.gap_mg_dl == 1.3
    # Δ 0.1–1.9: TSB in 4–8 h before 24 h, 4–24 h after; and jaundice in the first day.
    assert (before.action, before.next_measurement_window_hours) == (Action.DOCTOR_REVIEW, (4, 8))
    assert (after.action, after.next_measurement_window_hours) == (Action.DOCTOR_REVIEW, (4, 24))
    assert "first_24_hours" in [s.code for s in before.signals]
    assert "first_24_hours" not in [s.code for s in after.signals]


def test_34_6_weeks_is_outside_the_guideline_and_35_0_is_inside():
    # 10.0 mg/dL TSB at 48 h. 35 weeks no risk: phototherapy 14.2 → Δ 4.2 → 1–2 days.
    outside = assess(
        InfantFacts(gestational_age_weeks=34, gestational_age_days=6, neurotoxicity_risk=False),
        tsb(10.0),
    )
    inside = assess(
        InfantFacts(gestational_age_weeks=35, gestational_age_days=0, neurotoxicity_risk=False),
        tsb(10.0),
    )
    assert (outside.guideline_applies, outside.thresholds.phototherapy_mg_dl) == (False, None)
    assert outside.gap_mg_dl is None
    assert outside.action is Action.DOCTOR_REVIEW
    assert [r["code"] for r in outside.reasons][:2] == [
        "action_doctor_review",
        "outside_guideline_below_35_weeks",
    ]
    assert (inside.guideline_applies, inside.thresholds.phototherapy_mg_dl) == (True, 14.2)
    assert (inside.action, inside.gap_mg_dl) == (Action.ROUTINE, 4.2)


def test_below_35_weeks_is_at_least_as_urgent_as_at_35_weeks_with_risk():
    # 35 weeks with risk at 48 h: phototherapy 12.2, exchange 18.5 → escalation 16.5.
    preterm = InfantFacts(gestational_age_weeks=33, neurotoxicity_risk=False)
    assert assess(preterm, tsb(12.2)).action is Action.URGENT_REFERRAL
    assert assess(preterm, tsb(16.5)).action is Action.EMERGENCY


def test_missing_gestational_age_or_birth_time_asks_for_a_clinician():
    no_ga = assess(InfantFacts(gestational_age_weeks=None), tsb(9.0))
    no_birth = assess(TERM, ReadingFacts(age_hours=None, value=9.0, unit="mg/dL", method="tsb"))
    assert (no_ga.action, no_ga.thresholds.reason) == (
        Action.DOCTOR_REVIEW,
        "gestational_age_missing",
    )
    assert (no_birth.action, no_birth.thresholds.reason) == (
        Action.DOCTOR_REVIEW,
        "birth_time_missing",
    )
    assert no_birth.zone is None


def test_neurotoxicity_risk_not_assessed_uses_the_lower_curves_and_says_so():
    unknown = assess(InfantFacts(gestational_age_weeks=38, neurotoxicity_risk=None), tsb(10))
    with_risk = assess(InfantFacts(gestational_age_weeks=38, neurotoxicity_risk=True), tsb(10))
    assert unknown.thresholds.phototherapy_mg_dl == with_risk.thresholds.phototherapy_mg_dl
    assert unknown.thresholds.neurotoxicity_curves is True
    assert "neurotoxicity_risk_not_assessed" in [s.code for s in unknown.signals]


def test_high_tcb_must_be_confirmed_by_tsb_and_raises_to_doctor_review():
    # TcB 13.5 at 48 h: Δ 2.5 (table alone: repeat in 4–24 h), within 3 mg/dL → confirm by TSB.
    tcb = assess(TERM, tsb(13.5, method="tcb"))
    lab = assess(TERM, tsb(13.5, method="tsb"))
    assert (lab.action, [s.code for s in lab.signals]) == (Action.REPEAT_SOONER, [])
    assert tcb.action is Action.DOCTOR_REVIEW
    assert [s.code for s in tcb.signals] == ["confirm_with_tsb"]
    # 15 mg/dL or more needs TSB whatever the gap (40 weeks at 96 h: phototherapy 21.0).
    term40 = InfantFacts(gestational_age_weeks=40, neurotoxicity_risk=False)
    codes = [s.code for s in assess(term40, tsb(15.0, age=96, method="tcb")).signals]
    assert codes == ["confirm_with_tsb"]
    assert assess(term40, tsb(14.9, age=96, method="tcb")).signals == []


def test_rapid_rise_suspects_haemolysis_and_shortens_the_wait():
    previous = [tsb(8.0, age=36.0)]
    # 8.0 → 11.0 mg/dL over 10 h = 0.30 mg/dL/h ≥ 0.2 after the first day.
    result = assess(TERM, tsb(11.0, age=46.0), previous)
    slow = assess(TERM, tsb(9.5, age=46.0), previous)  # 0.15 mg/dL/h
    rise = next(s for s in result.signals if s.code == "rapid_rise")
    assert rise.detail == {
        "rate_mg_dl_per_hour": 0.3,
        "limit_mg_dl_per_hour": 0.2,
        "over_hours": 10.0,
        "window_hours": (4, 8),  # "within hours" (DOMAIN.md) as the table's shortest TSB window
    }
    assert (result.action, result.next_measurement_window_hours) == (Action.DOCTOR_REVIEW, (4, 8))
    assert "rapid_rise" not in [s.code for s in slow.signals]


def test_rise_in_the_first_day_uses_the_higher_limit():
    # 0.25 mg/dL/h at 20 h: below 0.3 (first 24 h) → no signal; same rate at 30 h → signal.
    early = assess(TERM, tsb(6.5, age=20.0), [tsb(4.0, age=10.0)])
    later = assess(TERM, tsb(6.5, age=30.0), [tsb(4.0, age=20.0)])
    assert "rapid_rise" not in [s.code for s in early.signals]
    assert "rapid_rise" in [s.code for s in later.signals]


def test_readings_minutes_apart_give_no_rate():
    result = assess(TERM, tsb(11.0, age=46.0), [tsb(8.0, age=45.5)])
    assert "rapid_rise" not in [s.code for s in result.signals]


def test_danger_signs_are_an_emergency_whatever_the_number_until_cleared():
    lethargic = [ObservationFacts(age_hours=47.0, lethargy=True)]
    cleared = [*lethargic, ObservationFacts(age_hours=47.5, lethargy=False)]
    assert assess(TERM, tsb(5.0), (), lethargic).action is Action.EMERGENCY
    assert assess(TERM, tsb(5.0), (), cleared).action is Action.ROUTINE


def test_reported_seizures_or_a_blue_colour_are_an_emergency_by_programme_policy():
    """Not in DOMAIN.md's list of danger signs; Policy.emergency_signs_beyond_guideline."""
    for sign in ("seizures", "blue_colour"):
        result = assess(TERM, tsb(5.0), (), [ObservationFacts(age_hours=47.0, **{sign: True})])
        assert result.action is Action.EMERGENCY
        assert [s.code for s in result.signals if s.action_floor is Action.EMERGENCY] == [
            "reported_emergency"
        ]
    cleared = [
        ObservationFacts(age_hours=47.0, seizures=True),
        ObservationFacts(age_hours=47.5, seizures=False),
    ]
    assert assess(TERM, tsb(5.0), (), cleared).action is Action.ROUTINE
    # A programme that names neither still sends them to the doctor, never to nothing.
    narrower = Policy(emergency_signs_beyond_guideline=())
    seizure = [ObservationFacts(age_hours=47.0, seizures=True)]
    review = assess(TERM, tsb(5.0), (), seizure, policy=narrower)
    assert review.action is Action.DOCTOR_REVIEW
    assert "reported_sign_review" in [s.code for s in review.signals]


def test_dark_urine_asks_for_the_doctor_until_a_later_no():
    """DOMAIN.md: pale stools or dark urine — possible biliary atresia, refer within days."""
    dark = [ObservationFacts(age_hours=40, dark_urine=True)]
    assert assess(TERM, tsb(5.0), (), dark).action is Action.DOCTOR_REVIEW
    cleared = [*dark, ObservationFacts(age_hours=44, dark_urine=False)]
    assert assess(TERM, tsb(5.0), (), cleared).action is Action.ROUTINE


def test_pale_stool_weight_loss_and_prolonged_jaundice_ask_for_the_doctor():
    pale = assess(TERM, tsb(5.0), (), [ObservationFacts(age_hours=40, stool_pale=True)])
    heavy_loss = assess(TERM, tsb(5.0), (), [ObservationFacts(age_hours=40, weight_g=2950)])
    ten_percent = assess(TERM, tsb(5.0), (), [ObservationFacts(age_hours=40, weight_g=2970)])
    assert pale.action is Action.DOCTOR_REVIEW
    assert (heavy_loss.action, heavy_loss.signals[0].detail) == (
        Action.DOCTOR_REVIEW,
        {"loss_percent": 10.6, "window_hours": (0, 24)},  # and bilirubin within 24 h (policy)
    )
    assert ten_percent.action is Action.ROUTINE  # exactly 10 % is not "above 10 %"

    breastfed = InfantFacts(
        gestational_age_weeks=38, neurotoxicity_risk=False, feeding="exclusive_breastfeeding"
    )
    at_15_days = tsb(8.0, age=15 * 24)
    assert "prolonged_jaundice" in [s.code for s in assess(TERM, at_15_days).signals]
    assert "prolonged_jaundice" not in [s.code for s in assess(breastfed, at_15_days).signals]
    assert "prolonged_jaundice" in [
        s.code for s in assess(breastfed, tsb(8.0, age=21 * 24)).signals
    ]


def test_beyond_the_table_holds_and_beyond_28_days_the_guideline_stops():
    held = assess(TERM, tsb(10.0, age=400))
    assert held.thresholds.phototherapy_mg_dl == 21.8  # the 336-hour value, held
    beyond = assess(TERM, tsb(10.0, age=28 * 24 + 1))
    assert (beyond.guideline_applies, beyond.action) == (False, Action.DOCTOR_REVIEW)


def test_no_reading_asks_for_a_measurement_not_routine():
    result = assess(TERM, None)
    assert result.action is Action.REPEAT_SOONER
    assert [r["code"] for r in result.reasons] == ["action_repeat_sooner", "no_reading"]


def test_zone_only_where_the_nomogram_applies():
    assert assess(TERM, tsb(15.0)).zone is not None
    small = InfantFacts(gestational_age_weeks=35, birth_weight_g=2400, neurotoxicity_risk=False)
    assert assess(small, tsb(10.0)).zone is None  # 35 weeks needs > 2.5 kg
    assert assess(TERM, tsb(5.0, age=10)).zone is None  # before the 12-hour track


def test_every_reason_reads_in_both_languages_for_parent_and_doctor():
    result = assess(
        TERM,
        tsb(15.96, method="tcb"),
        [tsb(8.0, age=30)],
        [ObservationFacts(age_hours=47, stool_pale=True)],
    )
    for reason in result.reasons:
        for audience in ("parent", "clinician"):
            for language in ("zh-hans", "en"):
                assert reason[audience][language], (reason["code"], audience, language)
                assert "?" not in reason[audience][language], reason
    doctor = next(r for r in result.reasons if r["code"] == "at_or_above_phototherapy")
    assert doctor["clinician"]["en"] == (
        "TcB 16.0 mg/dL (274 µmol/L) at 48.0 h: at or above the phototherapy threshold 16.0 mg/dL "
        "(274 µmol/L) (AAP 2022). Phototherapy indicated: urgent referral."
    )
    assert doctor["clinician"]["zh-hans"] == (
        "经皮胆红素（TcB） 274 μmol/L（16.0 mg/dL），48.0 小时：≥ 光疗阈值 274 μmol/L（16.0 mg/dL）"
        "（AAP 2022）。需光疗：紧急转诊。"
    )


def test_every_text_has_four_non_empty_versions():
    for code, texts in TEXTS.items():
        assert len(texts) == 4 and all(texts), code
