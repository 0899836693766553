"""Scenarios: term and late-preterm infants followed with meter and lab values. Thresholds quoted
are AAP 2022 (risk_model/data/aap2022_thresholds.csv), mg/dL, "no risk" curves unless said."""

from tests.scenarios.steps import Infant, Reading, Scenario, Wait

TERM_39 = Infant(ga="39+2", birth_weight_g=3400, feeding="formula")
TERM_38 = Infant(ga="38+0", birth_weight_g=3300, feeding="exclusive_breastfeeding")

SCENARIOS = [
    Scenario(
        id="term-low-and-falling",
        family="term",
        title="Term infant, home meter readings well below the line, then falling",
        why="Routine all along; at ≥ 72 h the AAP 'clinical judgement' band gets the programme's "
        "48-hour policy, and two falls end routine monitoring with a day-14 check named.",
        infant=TERM_39,
        steps=(
            Reading(36, 120, expect={"action": "routine", "due_h": 108.0}),  # Δ 7.8, < 72 h
            Reading(60, 170, expect={"action": "routine"}),  # Δ 8.2
            Reading(84, 190, expect={"action": "routine", "due_h": 132.0}),  # judgement band
            Reading(108, 160, expect={"action": "routine"}),  # one fall
            Reading(130, 130, expect={"action": "routine", "due_h": 336.0}),  # two falls: ends
        ),
    ),
    Scenario(
        id="term-band-2-to-3-4",
        family="term",
        title="Lab TSB 2.0–3.4 mg/dL below the line",
        why="Repeat sooner: TcB or TSB within 4–24 h; no alert.",
        infant=TERM_38,
        steps=(
            Reading(
                48,
                222,
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "repeat_sooner", "due_h": 72.0},
            ),
        ),
    ),
    Scenario(
        id="term-band-under-2",
        family="term",
        title="Lab TSB less than 2 mg/dL below the line",
        why="Community doctor review today and a TSB within 4–24 h; the centre's alert opens.",
        infant=TERM_38,
        steps=(
            Reading(
                48,
                248,
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "doctor_review", "due_h": 72.0, "alert": "community"},
            ),
        ),
    ),
    Scenario(
        id="term-at-phototherapy",
        family="term",
        title="Lab TSB at the phototherapy threshold",
        why="Urgent referral: the parents are told to go to hospital today (sent at once, even in "
        "quiet hours); no home measurement is asked.",
        infant=TERM_38,
        steps=(
            Reading(
                48,
                274,
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "urgent_referral", "hospital_now": True},
            ),
        ),
    ),
    Scenario(
        id="term-escalation",
        family="term",
        title="TSB at escalation of care (exchange − 2 mg/dL)",
        why="Emergency: the system refers to the nearest hospital at once and tells the parents.",
        infant=TERM_38,
        steps=(
            Reading(
                48,
                376,
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "emergency", "alert": "emergency"},
            ),
        ),
    ),
    Scenario(
        id="term-rounding-edge-tsb",
        family="edges",
        title="TSB 15.95 mg/dL against a threshold of 16.0",
        why="Shown as 16.0 against 16.0, decided as at the threshold (Δ 0.0): decide on what is "
        "shown.",
        infant=TERM_38,
        steps=(
            Reading(
                48,
                15.95,
                unit="mg/dL",
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "urgent_referral"},
            ),
        ),
    ),
    Scenario(
        id="tcb-15-mg-dl-needs-tsb",
        family="edges",
        title="TcB 256 µmol/L (15.0 mg/dL as shown) at 100 h",
        why="At or above 15 mg/dL a TcB needs a TSB: doctor review and a TSB within 4–24 h, "
        "although the gap is wide.",
        infant=TERM_39,
        steps=(Reading(100, 256, expect={"action": "doctor_review", "due_h": 124.0}),),
    ),
    Scenario(
        id="tcb-within-3-needs-tsb",
        family="edges",
        title="TcB 239 µmol/L at 48 h, 40 weeks: Δ 3.0 as shown",
        why="Within 3 mg/dL of the threshold (17.0) the TcB needs a TSB.",
        infant=Infant(ga="40+1", birth_weight_g=3600),
        steps=(Reading(48, 239, expect={"action": "doctor_review"}),),
    ),
    Scenario(
        id="first-day-jaundice",
        family="term",
        title="A home reading in the first 24 hours",
        why="Jaundice in the first day: doctor review and a TSB within 4–8 h.",
        infant=TERM_39,
        steps=(Reading(18, 100, expect={"action": "doctor_review", "due_h": 26.0}),),
    ),
    Scenario(
        id="rapid-rise",
        family="term",
        title="Rise of 0.3 mg/dL per hour after the first day",
        why="Suspected haemolysis: doctor review, TSB and work-up within 4–8 h.",
        infant=TERM_38,
        steps=(
            Reading(36, 137, method="tsb_lab", by="community_doctor"),
            Reading(
                46,
                188,
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "doctor_review", "due_h": 54.0},
            ),
        ),
    ),
    Scenario(
        id="tsb-advice-outlives-tcb",
        family="term",
        title="A TSB asks for another TSB; a home TcB does not answer it",
        why="Evidence order: the TSB's request stays in force over the newer TcB until a TSB "
        "comes; the TSB that does come sets the plan.",
        infant=TERM_38,
        steps=(
            Reading(
                48, 250, method="tsb_lab", by="community_doctor", expect={"action": "doctor_review"}
            ),
            Reading(56, 180, expect={"action": "doctor_review", "due_h": 72.0}),
            Reading(60, 200, method="tsb_lab", by="community_doctor", expect={"action": "routine"}),
        ),
    ),
    Scenario(
        id="late-preterm-36-weeks",
        family="late preterm",
        title="Late preterm infant, 36 weeks, home meter",
        why="Lower thresholds for 36 weeks; routine monitoring lasts to day 10 for 35–37 weeks.",
        infant=Infant(ga="36+3", birth_weight_g=2700, feeding="mixed"),
        steps=(
            Reading(40, 150, expect={"action": "routine"}),
            Reading(64, 230, expect={"action": "repeat_sooner"}),  # 13.5 vs 16.6: Δ 3.1
            Reading(84, 240),
            Reading(180, 150, expect={"due_h": 228.0}),  # one fall only, day 7.5 < day 10
        ),
    ),
    Scenario(
        id="neurotoxicity-not-assessed",
        family="late preterm",
        title="Neurotoxicity risk factors not recorded",
        why="The lower, with-risk curves are used and the doctor is asked to confirm.",
        infant=Infant(ga="37+0", birth_weight_g=3000, neurotoxicity=None),
        steps=(Reading(48, 210, expect={"action": "doctor_review"}),),  # with risk 13.5: Δ 1.2
    ),
    Scenario(
        id="g6pd-deficiency",
        family="haemolysis",
        title="G6PD deficiency (蚕豆病): the with-risk curves",
        why="The same value is nearer the line on the with-risk curve (14.0 at 48 h for 39 weeks).",
        infant=Infant(
            ga="39+0", birth_weight_g=3300, neurotoxicity=("g6pd_deficiency",), sex="male"
        ),
        steps=(
            Reading(
                48, 220, method="tsb_lab", by="community_doctor", expect={"action": "doctor_review"}
            ),  # 12.9 vs 14.0: Δ 1.1
        ),
    ),
    Scenario(
        id="isoimmune-first-day",
        family="haemolysis",
        title="ABO haemolysis: a fast rise on day one",
        why="First-day jaundice and a rise ≥ 0.3 mg/dL per hour: doctor review within hours; "
        "then the TSB reaches the line and the infant is referred.",
        infant=Infant(ga="38+4", birth_weight_g=3200, neurotoxicity=("isoimmune_haemolysis",)),
        steps=(
            Reading(8, 80, method="tsb_lab", by="paediatrician"),
            Reading(
                20, 150, method="tsb_lab", by="paediatrician", expect={"action": "doctor_review"}
            ),  # 0.34 mg/dL/h; 8.8 vs 9.8
            Reading(
                28, 200, method="tsb_lab", by="paediatrician", expect={"action": "urgent_referral"}
            ),  # 11.7 vs 11.1
        ),
    ),
    Scenario(
        id="missed-measurement",
        family="no silence",
        title="The parents do not measure when asked",
        why="A reminder at the due time, a second one and a note to the community doctor six "
        "hours later.",
        infant=TERM_39,
        steps=(
            Reading(48, 200, expect={"action": "routine", "due_h": 96.0}),  # Δ 4.9
            Wait(96.1),
            Wait(102.2),
        ),
    ),
    Scenario(
        id="unacknowledged-alert-escalates",
        family="no silence",
        title="Nobody acknowledges a doctor-review alert",
        why="After 4 hours the district centre's doctors are told.",
        infant=TERM_38,
        steps=(
            Reading(
                48, 250, method="tsb_lab", by="community_doctor", expect={"alert": "community"}
            ),
            Wait(52.2),
        ),
    ),
]
