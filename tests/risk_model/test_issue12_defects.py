"""Issue #12: each reproduced defect, with the answer it should have given. Table values quoted
come from risk_model/data/aap2022_thresholds.csv (AAP 2022 supplement tables)."""

import json
import subprocess
import sys

import pytest

from risk_model.guideline import (
    Action,
    ClinicianThresholds,
    InfantFacts,
    ObservationFacts,
    PhotoFacts,
    PhototherapyFacts,
    ReadingFacts,
    assess,
)

# 38+0 weeks, no neurotoxicity risk factor: phototherapy 14.8 at 40 h, 16.1 at 49 h.
TERM_38 = InfantFacts(
    gestational_age_weeks=38, birth_weight_g=3300, neurotoxicity_risk=False, feeding="formula"
)
# 39+0 weeks, no risk factor: phototherapy 20.2 / exchange 26.4 at 80 h, 21.5 at 100 h.
TERM_39 = InfantFacts(gestational_age_weeks=39, birth_weight_g=3400, neurotoxicity_risk=False)
TERM_40 = InfantFacts(gestational_age_weeks=40, birth_weight_g=3500, neurotoxicity_risk=False)


def reading(age, value, method="tsb", unit="mg/dL"):
    return ReadingFacts(age_hours=age, value=value, unit=unit, method=method)


def codes(result):
    return [s.code for s in result.signals]


def parent_texts(result):
    return [result.advice["zh-hans"], result.advice["en"]]


# 1. A visual estimate acts as a measurement -----------------------------------------------------
def test_a_visual_estimate_after_a_photo_lowers_nothing_and_delays_nothing():
    tsb = reading(40, 9.0)
    photo = PhotoFacts(49, 16.5, 14.3, 18.7)
    first = assess(TERM_38, tsb)
    after_photo = assess(TERM_38, tsb, photos=[photo], at_age_hours=49)
    after_visual = assess(TERM_38, reading(49.5, 5.0, "visual"), [tsb], photos=[photo])

    assert first.action is Action.ROUTINE
    # The photo estimate (16.5) is at/above the 49-hour threshold (16.1): hospital today.
    assert after_photo.action is Action.URGENT_REFERRAL
    # The visual 5 mg/dL neither answers the photo nor lowers what it asked.
    assert after_visual.action is Action.URGENT_REFERRAL
    assert "estimate_at_or_above" in codes(after_visual)
    assert after_visual.gap_mg_dl == first.gap_mg_dl  # the TSB is still the measurement
    assert after_visual.measurement["method"] == "tsb"


def test_a_visual_estimate_after_a_high_photo_keeps_the_photos_earlier_measurement_time():
    tsb = reading(40, 9.0)
    photo = PhotoFacts(49, 14.0, 12.0, 16.0)  # within 3 mg/dL of 16.1: meter or lab in 4–24 h
    after_photo = assess(TERM_38, tsb, photos=[photo], at_age_hours=49)
    after_visual = assess(TERM_38, reading(49.5, 5.0, "visual"), [tsb], photos=[photo])

    assert (after_photo.action, after_photo.next_measurement_due_age_hours) == (
        Action.DOCTOR_REVIEW,
        73,
    )
    assert after_visual.action is Action.DOCTOR_REVIEW
    assert after_visual.next_measurement_due_age_hours == 73  # not 121.5


def test_a_visual_value_alone_never_reassures():
    result = assess(TERM_38, reading(100, 5.0, "visual"))

    assert result.action is Action.REPEAT_SOONER
    assert result.measurement is None and result.gap_mg_dl is None
    assert result.next_measurement_due_age_hours == 124  # a measurement within 24 h
    for text in parent_texts(result):
        assert "below the treatment level" not in text and "低于需要治疗" not in text
    assert "请测量一次" in result.advice["zh-hans"]  # the SMS itself names it 肉眼估计


# 2. The "clinical judgement" band and a TcB that needs a TSB at >= 72 h ------------------------
def test_clinical_judgement_band_names_a_next_measurement_by_programme_policy():
    result = assess(TERM_39, reading(100, 15.0))

    assert result.gap_mg_dl == 6.5
    assert result.action is Action.ROUTINE
    assert result.next_measurement_due_age_hours == 148  # within 48 h (policy)
    text = next(r for r in result.reasons if r["code"] == "gap_wide_after_72h")
    assert "Programme policy" in text["clinician"]["en"]


def test_the_cli_names_the_next_measurement_in_the_judgement_band():
    out = subprocess.run(
        [sys.executable, "-m", "risk_model", "assess", "--ga", "39+0", "--age-hours", "100"]
        + ["--value", "15", "--unit", "mg/dL", "--method", "tsb"],
        capture_output=True,
        text=True,
        check=True,
    )
    body = json.loads(out.stdout)
    assert (body["action"], body["next_measurement_hours"]) == ("routine", 48.0)


def test_a_tcb_needing_a_tsb_at_120_hours_gets_a_window():
    result = assess(TERM_39, reading(120, 15.5, "tcb"))

    assert "confirm_with_tsb" in codes(result)
    assert result.action is Action.DOCTOR_REVIEW
    assert result.next_measurement_due_age_hours == 144  # TSB within 4–24 h


def test_monitoring_ends_after_two_falls_and_names_the_prolonged_jaundice_check():
    falling = [reading(80, 14.0), reading(100, 12.0)]
    result = assess(TERM_39, reading(120, 10.0), falling)

    assert codes(result) == []
    assert result.reasons[1]["code"] == "monitoring_ends"
    assert result.next_measurement_due_age_hours == 14 * 24  # formula-fed: day 14


# 3. Below 35 weeks or GA missing ----------------------------------------------------------------
@pytest.mark.parametrize("weeks", [33, None])
def test_outside_the_guideline_a_doctor_reviews_and_a_measurement_is_due(weeks):
    infant = InfantFacts(gestational_age_weeks=weeks, neurotoxicity_risk=False)
    result = assess(infant, reading(48, 10.0))

    assert result.action is Action.DOCTOR_REVIEW
    assert result.next_measurement_due_age_hours == 72  # within 4–24 h (policy)
    clinician = " ".join(r["clinician"]["en"] for r in result.reasons)
    assert "not this infant's threshold" in clinician
    assert "lower bound used" not in clinician.lower()


def test_thresholds_a_clinician_set_are_used_and_said_so():
    infant = InfantFacts(
        gestational_age_weeks=32,
        neurotoxicity_risk=False,
        clinician_thresholds=ClinicianThresholds(phototherapy_mg_dl=10.0, exchange_mg_dl=15.0),
    )
    below = assess(infant, reading(60, 6.0))
    at = assess(infant, reading(60, 10.0))
    escalation = assess(infant, reading(60, 13.0))

    assert (below.guideline_applies, below.thresholds.source) == (True, "clinician")
    assert (below.action, below.gap_mg_dl) == (Action.ROUTINE, 4.0)  # Δ 3.5–5.4
    assert at.action is Action.URGENT_REFERRAL
    assert escalation.action is Action.EMERGENCY  # exchange 15 − 2
    assert "clinician_thresholds" in codes(below)
    assert "set by a clinician" in below.reasons[2]["clinician"]["en"]


# 4. Unknown age with a very high value ----------------------------------------------------------
def test_unknown_age_uses_age_free_bounds():
    # 39 weeks, no risk: the curves' highest values at any age are phototherapy 21.8 and
    # exchange 27.0 (escalation 25.0); at or above them the age does not matter.
    above_escalation = assess(TERM_39, reading(None, 30.0))
    above_phototherapy = assess(TERM_39, reading(None, 23.0))
    below = assess(TERM_39, reading(None, 20.0))

    assert above_escalation.action is Action.EMERGENCY
    assert above_phototherapy.action is Action.URGENT_REFERRAL
    assert below.action is Action.DOCTOR_REVIEW
    assert below.reasons[1]["code"] == "outside_guideline_birth_time_missing"


# 5. The photo path agrees with the visual path --------------------------------------------------
def test_a_photo_estimate_at_escalation_is_an_emergency_as_a_visual_one_is():
    photo = assess(TERM_39, None, photos=[PhotoFacts(80, 25.0, 22.0, 28.0)], at_age_hours=80)
    visual = assess(TERM_39, reading(80, 25.0, "visual"))

    assert photo.action is visual.action is Action.EMERGENCY  # escalation 26.4 − 2 = 24.4


def test_a_photo_in_the_first_day_triggers_the_first_day_rule():
    result = assess(TERM_39, None, photos=[PhotoFacts(20, 6.0, 4.0, 8.0)], at_age_hours=20)

    assert "first_24_hours" in codes(result)
    assert result.action is Action.DOCTOR_REVIEW
    assert result.next_measurement_due_age_hours == 28


# 6. Rounding at the decision edges --------------------------------------------------------------
def test_tcb_256_umol_l_is_15_0_mg_dl_and_asks_for_a_tsb():
    result = assess(TERM_39, reading(100, 256, "tcb", "umol/L"))

    assert result.value_mg_dl == 15.0
    assert "confirm_with_tsb" in codes(result)


def test_tcb_239_umol_l_at_48_hours_is_3_0_below_and_asks_for_a_tsb():
    result = assess(TERM_40, reading(48, 239, "tcb", "umol/L"))  # 40 weeks at 48 h: 17.0

    assert (result.value_mg_dl, result.gap_mg_dl) == (14.0, 3.0)
    assert "confirm_with_tsb" in codes(result)


def test_tsb_15_95_shown_as_16_0_is_acted_on_at_the_threshold_16_0():
    result = assess(TERM_38, reading(48, 15.95))

    assert (result.value_mg_dl, result.thresholds.phototherapy_mg_dl) == (16.0, 16.0)
    assert result.gap_mg_dl == 0.0
    assert result.action is Action.URGENT_REFERRAL


# 7. Danger signs expire -------------------------------------------------------------------------
def test_lethargy_reported_days_ago_does_not_make_a_low_reading_an_emergency():
    old = [ObservationFacts(age_hours=60, lethargy=True)]
    recent = [ObservationFacts(age_hours=245, lethargy=True)]

    assert assess(TERM_38, reading(250, 5.0), (), old).action is not Action.EMERGENCY
    assert assess(TERM_38, reading(250, 5.0), (), recent).action is Action.EMERGENCY


# 8. Rate of rise only between measurements ------------------------------------------------------
def test_rate_of_rise_ignores_visual_estimates():
    result = assess(TERM_38, reading(40, 8.0, "tcb"), [reading(30, 3.0, "visual")])

    assert "rapid_rise" not in codes(result)
    measured = assess(TERM_38, reading(40, 8.0, "tcb"), [reading(30, 3.0, "tcb")])
    assert "rapid_rise" in codes(measured)  # 0.5 mg/dL/h between two meter readings


# 9. Implausible values --------------------------------------------------------------------------
def test_a_mg_dl_number_sent_as_umol_l_needs_confirmation_and_lowers_nothing():
    before = [reading(40, 150, "tcb", "umol/L")]
    result = assess(TERM_38, reading(60, 18, "tcb", "umol/L"), before)
    earlier = assess(TERM_38, before[0])

    assert result.trigger["needs_confirmation"] == "unit_suspect"
    assert result.measurement["value_umol_l"] == 150  # the measurement in force is unchanged
    assert result.action >= earlier.action
    # Read as meant, 18 mg/dL is above the 60-hour threshold (17.5): raise-only, to hospital.
    assert result.action is Action.URGENT_REFERRAL
    read_as = next(s for s in result.signals if s.code == "value_needs_confirmation")
    assert read_as.detail["read_as_mg_dl"] == 18.0


def test_a_small_umol_l_number_that_would_be_low_in_mg_dl_asks_to_measure_again():
    before = [reading(40, 150, "tcb", "umol/L")]
    result = assess(TERM_38, reading(60, 8, "tcb", "umol/L"), before)  # 8 mg/dL would be low

    assert result.trigger["needs_confirmation"] == "unit_suspect"
    assert result.action is Action.REPEAT_SOONER
    assert result.next_measurement_due_age_hours == 64  # measure again within 4 h


def test_zero_a_minute_after_350_umol_l_needs_confirmation_and_lowers_nothing():
    high = reading(60, 350, "tcb", "umol/L")  # 20.5 mg/dL, above the 60-hour threshold 17.5
    result = assess(TERM_38, reading(60 + 1 / 60, 0, "tcb", "umol/L"), [high])

    assert result.trigger["needs_confirmation"] == "implausible_fall"
    assert result.action is Action.URGENT_REFERRAL
    assert result.measurement["value_umol_l"] == 350


def test_a_real_fall_over_a_day_is_plausible():
    result = assess(TERM_38, reading(84, 200, "tcb", "umol/L"), [reading(60, 280, "tcb", "umol/L")])

    assert result.trigger["needs_confirmation"] is None


# 12. Phototherapy history -----------------------------------------------------------------------
def test_after_phototherapy_the_rebound_check_is_scheduled():
    # 37 weeks (< 38: a rebound risk factor): measure 6–12 h after stopping, then the next day.
    treated = InfantFacts(
        gestational_age_weeks=37,
        neurotoxicity_risk=False,
        phototherapy=(PhototherapyFacts(started_age_hours=60, stopped_age_hours=84),),
    )
    at_stop = assess(treated, reading(58, 18.0), at_age_hours=84)
    first_check = assess(treated, reading(92, 12.0), [reading(58, 18.0)])

    assert at_stop.action is Action.ROUTINE  # the pre-treatment 18.0 is answered by treatment
    assert at_stop.reasons[1]["code"] == "after_phototherapy_check"
    assert at_stop.next_measurement_due_age_hours == 96
    assert "after_phototherapy_next_day" in codes(first_check)
    assert first_check.next_measurement_due_age_hours == 120  # the next day: 24–36 h


def test_without_rebound_risk_the_check_is_the_next_day():
    treated = InfantFacts(
        gestational_age_weeks=39,
        neurotoxicity_risk=False,
        neurotoxicity_factors=(),  # assessed: no haemolysis (DAT, G6PD negative)
        phototherapy=(PhototherapyFacts(started_age_hours=60, stopped_age_hours=84),),
    )
    result = assess(treated, reading(58, 19.0), at_age_hours=84)

    assert result.next_measurement_due_age_hours == 84 + 36
    # Haemolysis not assessed counts as possible: the 6–12 h check.
    unknown = InfantFacts(
        gestational_age_weeks=39,
        neurotoxicity_risk=False,
        phototherapy=(PhototherapyFacts(started_age_hours=60, stopped_age_hours=84),),
    )
    assert assess(unknown, reading(58, 19.0), at_age_hours=84).next_measurement_due_age_hours == 96


def test_under_phototherapy_the_treating_team_decides():
    treating = InfantFacts(
        gestational_age_weeks=39,
        neurotoxicity_risk=False,
        phototherapy=(PhototherapyFacts(started_age_hours=60),),
    )
    result = assess(treating, reading(58, 19.0), at_age_hours=62)

    assert (result.action, result.decided_by) == (Action.ROUTINE, "treating_team")


# 13. Texts that read right ----------------------------------------------------------------------
def test_a_visual_reading_is_never_called_a_meter_reading():
    result = assess(TERM_38, reading(60, 17.0, "visual"))
    texts = [r[a][lang] for r in result.reasons for a in ("parent", "clinician") for lang in r[a]]

    assert not any("meter reading" in t or "TcB 17" in t for t in texts)
    assert all("visual" not in t for t in (r["clinician"]["zh-hans"] for r in result.reasons))
    assert "肉眼估计" in result.advice["zh-hans"]


def test_danger_signs_are_named_in_words_not_codes():
    result = assess(
        TERM_38, reading(50, 8.0), (), [ObservationFacts(50, lethargy=True, high_pitched_cry=True)]
    )
    clinician = next(r for r in result.reasons if r["code"] == "encephalopathy_signs")

    assert "嗜睡、难以唤醒；尖声哭叫" in clinician["clinician"]["zh-hans"]
    assert "high_pitched_cry" not in clinician["clinician"]["en"]


def test_clinician_text_gives_umol_l_first_in_chinese_and_both_units():
    result = assess(TERM_38, reading(48, 250, "tcb", "umol/L"))
    zh = result.reasons[1]["clinician"]["zh-hans"]
    en = result.reasons[1]["clinician"]["en"]

    assert "250 μmol/L（14.6 mg/dL）" in zh
    assert "14.6 mg/dL (250 µmol/L)" in en


def test_a_raised_action_never_comes_with_reassurance():
    # Δ 5.0 alone would be "below the treatment level"; pale stool makes it doctor review.
    result = assess(
        TERM_38, reading(48, 11.0), (), [ObservationFacts(age_hours=47, stool_pale=True)]
    )

    assert result.action is Action.DOCTOR_REVIEW
    assert "below the treatment level" not in result.advice["en"]
    assert "Pale" in result.advice["en"]
