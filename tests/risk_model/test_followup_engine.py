"""Issue #26, the engine's part of the follow-up plan: open requests hold their level and due
time; doubtful values are judged against what is plausible and confirmed by a repeat; falls
faster than untreated bilirubin falls are doubted; monitoring never ends on a rise."""

from dataclasses import replace

from risk_model.guideline import (
    Action,
    InfantFacts,
    PhototherapyFacts,
    ReadingFacts,
    RequestFacts,
    assess,
    plausibility,
)

# 39+0 weeks, no neurotoxicity risk factor (AAP 2022: phototherapy 11.8 mg/dL at 18 h, 21.5 at
# 100 h, 22.7 at 168 h).
TERM_39 = InfantFacts(gestational_age_weeks=39, birth_weight_g=3300, neurotoxicity_risk=False)


def tcb(age, umol_l, doubt=None):
    return ReadingFacts(age, umol_l, "umol/L", "tcb", doubt)


def tsb(age, umol_l):
    return ReadingFacts(age, umol_l, "umol/L", "tsb")


def test_a_repeat_within_tolerance_of_a_doubtful_value_confirms_it():
    """250 at 100 h, 390 a minute later (a rise of 8.2 mg/dL: doubted), 385 twenty minutes on:
    385 agrees with 390 within 2 mg/dL, so it is plausible and in force."""
    earlier = [tcb(100, 250), tcb(100 + 1 / 60, 390, "implausible_rise")]

    assert plausibility(tcb(100 + 21 / 60, 385), earlier) is None
    result = assess(TERM_39, tcb(100 + 21 / 60, 385), earlier)
    assert result.measurement["value_umol_l"] == 385
    assert result.action >= Action.URGENT_REFERRAL


def test_a_repeat_far_from_the_doubtful_value_is_judged_against_the_plausible_one():
    earlier = [tcb(100, 250), tcb(100 + 1 / 60, 390, "implausible_rise")]

    assert plausibility(tcb(100.5, 255), earlier) is None  # agrees with 250
    assert plausibility(tcb(100.5, 330), earlier) == "implausible_rise"  # neither


def test_a_fall_faster_than_untreated_bilirubin_falls_is_doubted():
    """200 → 120 µmol/L in 8 h: −4.7 mg/dL, beyond 3.0 + 0.2 × 8 = 4.6."""
    assert plausibility(tcb(68, 120), [tcb(60, 200)]) == "implausible_fall"
    assert plausibility(tcb(68, 125), [tcb(60, 200)]) is None  # −4.4: within


def test_nothing_measured_before_phototherapy_began_is_compared():
    """300 → 150 µmol/L in 20 h: −8.8 mg/dL, beyond 3.0 + 0.2 × 20 untreated."""
    assert plausibility(tcb(80, 150), [tcb(60, 300)]) == "implausible_fall"
    assert plausibility(tcb(80, 150), [tcb(60, 300)], treated_from_age_hours=62) is None


def test_an_open_blood_test_request_holds_its_level_and_due_time_over_a_meter_reading():
    """A TSB asked at 18 h (due 26 h); a home TcB at 25 h far below every line."""
    asked = RequestFacts("tsb", int(Action.DOCTOR_REVIEW), 18.0, (22.0, 26.0), ("first_24_hours",))
    infant = replace(TERM_39, open_requests=(asked,))

    result = assess(infant, tcb(25, 100), [tcb(18, 90)])

    assert result.action is Action.DOCTOR_REVIEW
    assert result.next_measurement_kind == "tsb"
    assert result.next_measurement_due_age_hours == 26.0
    assert "request_tsb" in [s.code for s in result.signals]
    assert "No visit is needed" not in result.advice["en"]


def test_a_doubtful_value_still_open_holds_its_action_at_a_later_assessment():
    held = RequestFacts(
        "confirm",
        int(Action.URGENT_REFERRAL),
        100.0,
        None,
        ("value_needs_confirmation",),
        {
            "kind": "reading",
            "method": "tcb",
            "is_measurement": True,
            "age_hours": 100.0,
            "value_mg_dl": 22.8,
            "value_umol_l": 390,
            "unit_sent": "µmol/L",
            "needs_confirmation": "implausible_rise",
            "window_hours": [0, 4],
            "acted_on": True,
        },
    )
    infant = replace(TERM_39, open_requests=(held,))

    result = assess(infant, tcb(100, 250), at_age_hours=101)

    assert result.action is Action.URGENT_REFERRAL
    assert "390" in result.advice["zh-hans"] and "390" in result.advice["en"]
    assert result.decided_by == "hospital"


def test_requests_wait_while_phototherapy_runs():
    asked = RequestFacts("tsb", int(Action.DOCTOR_REVIEW), 60.0, (64.0, 84.0), ("gap_under_2",))
    treated = replace(
        TERM_39,
        open_requests=(asked,),
        phototherapy=(PhototherapyFacts(started_age_hours=62.0),),
    )

    result = assess(treated, tsb(70, 200))

    assert "request_tsb" not in [s.code for s in result.signals]


def test_a_clinicians_close_answers_what_asked_a_tsb_on_evidence_up_to_then():
    """TcB 100 at 18 h asks a TSB (first day); the doctor closed that request at 19 h."""
    closed = replace(TERM_39, tsb_closed_through_age_hours=19.0)

    result = assess(closed, tcb(18, 100), at_age_hours=20)

    assert result.next_measurement_kind != "tsb"
    assert "first_24_hours" not in [s.code for s in result.signals]


def test_monitoring_never_ends_on_a_rise():
    """200 → 220 → 254 µmol/L at 150, 165 and 190 h (day 7 passed; 0.08 mg/dL an hour, no
    rapid rise), far below the threshold 22.7 mg/dL: still rising, measured again."""
    history = [tcb(150, 200), tcb(165, 220)]

    result = assess(TERM_39, tcb(190, 254), history)

    assert result.next_measurement_kind == "measurement"
    assert result.next_measurement_due_age_hours is not None
    assert result.next_measurement_due_age_hours <= 190 + 48
    assert "no routine measurement is needed" not in result.advice["en"]
    assert "still rising" in result.advice["en"]


def test_monitoring_ended_by_age_names_the_babys_own_age():
    """Two falls after day 7: ended; on day 9 the text says 9 days, not 7."""
    history = [tcb(190, 240), tcb(200, 220)]

    result = assess(TERM_39, tcb(218, 200), history)

    assert "Your baby is 9 days old" in result.advice["en"]
    assert "宝宝已满 9 天" in result.advice["zh-hans"]
