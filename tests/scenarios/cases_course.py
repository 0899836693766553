"""Scenarios: infants outside the guideline, phototherapy and its aftermath, and the signs that
override the numbers (danger signs, pale stool, weight loss, prolonged jaundice)."""

from tests.scenarios.steps import (
    HospitalSeen,
    Infant,
    Observation,
    Phototherapy,
    Reading,
    Refer,
    Scenario,
    Thresholds,
    Wait,
)

TERM_39 = Infant(ga="39+0", birth_weight_g=3400, feeding="formula")

SCENARIOS = [
    Scenario(
        id="preterm-33-weeks",
        family="< 35 weeks",
        title="33 weeks: AAP 2022 does not apply",
        why="No threshold is claimed: the doctor reviews, a measurement is due within 24 h, and "
        "the 35-week curve is quoted only for comparison.",
        infant=Infant(ga="33+2", birth_weight_g=1900, feeding="mixed"),
        steps=(
            Reading(
                48,
                150,
                method="tcb_clinic",
                by="community_doctor",
                expect={"action": "doctor_review", "due_h": 72.0},
            ),
            Reading(
                60,
                230,
                method="tcb_clinic",
                by="community_doctor",
                expect={"action": "urgent_referral"},
            ),  # ≥ 35-week with-risk 13.5
        ),
    ),
    Scenario(
        id="preterm-clinician-thresholds",
        family="< 35 weeks",
        title="33 weeks: a paediatrician sets the infant's thresholds",
        why="From then on the engine uses them (and says so), with the AAP Δ bands as policy.",
        infant=Infant(ga="33+2", birth_weight_g=1900, feeding="mixed"),
        steps=(
            Reading(
                40,
                120,
                method="tcb_clinic",
                by="community_doctor",
                expect={"action": "doctor_review"},
            ),
            Thresholds(42, phototherapy=171, exchange=257),
            # 5.8 vs 10.0: Δ 4.2 — but the TcB 7.0 at 40 h, 3.0 below the clinician's line, asked
            # for a TSB when the thresholds re-assessed it; a clinic TcB does not answer that.
            Reading(
                50,
                100,
                method="tcb_clinic",
                by="community_doctor",
                expect={"action": "doctor_review"},
            ),
            Reading(
                60, 160, method="tsb_lab", by="community_doctor", expect={"action": "doctor_review"}
            ),  # 9.4 vs 10.0: Δ 0.6
        ),
    ),
    Scenario(
        id="referred-phototherapy-rebound-risk",
        family="after phototherapy",
        title="37 weeks, referred, phototherapy, home again (a rebound risk factor)",
        why="After phototherapy with a rebound risk factor (< 38 weeks): measure 6–12 h after "
        "stopping, then again the next day; the pre-treatment value no longer counts.",
        infant=Infant(ga="37+1", birth_weight_g=3000, feeding="exclusive_breastfeeding"),
        steps=(
            Reading(
                60,
                300,
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "urgent_referral"},
            ),  # 17.5 vs 16.9
            Refer(61),
            Phototherapy(start_h=64, stop_h=None, at_h=64.5),
            Phototherapy(
                start_h=64, stop_h=88, at_h=88.2, expect={"action": "routine", "due_h": 100.0}
            ),
            Reading(96, 200, expect={"due_h": 124.0}),  # the next-day check, 24–36 h
            Reading(120, 190),
        ),
    ),
    Scenario(
        id="phototherapy-no-rebound-risk",
        family="after phototherapy",
        title="39 weeks, phototherapy started after 48 h, no haemolysis",
        why="No rebound risk factor: one measurement the next day (24–36 h after stopping).",
        infant=TERM_39,
        steps=(
            Reading(
                72,
                340,
                method="tsb_lab",
                by="community_doctor",
                expect={"action": "urgent_referral"},
            ),
            Refer(72.5),
            Phototherapy(start_h=75, stop_h=99, at_h=99.5, expect={"due_h": 135.0}),
        ),
    ),
    Scenario(
        id="reading-during-phototherapy",
        family="after phototherapy",
        title="A value arrives while phototherapy is running",
        why="Under treatment the treating team decides the next measurement; only an "
        "emergency changes that.",
        infant=TERM_39,
        steps=(
            Reading(72, 340, method="tsb_lab", by="community_doctor"),
            Refer(72.5),
            Phototherapy(start_h=75, stop_h=None, at_h=75.5),
            Reading(85, 280, method="tsb_lab", by="paediatrician", expect={"action": "routine"}),
        ),
    ),
    Scenario(
        id="danger-signs",
        family="signs",
        title="The parents report lethargy and a high-pitched cry",
        why="Possible acute bilirubin encephalopathy: an emergency whatever the number, referred "
        "by the system at once.",
        infant=TERM_39,
        steps=(
            Reading(60, 150),
            Observation(
                62,
                {"lethargy": True, "high_pitched_cry": True},
                expect={"action": "emergency", "alert": "emergency"},
            ),
        ),
    ),
    Scenario(
        id="danger-sign-expires",
        family="signs",
        title="Defect 7: lethargy reported days before a low reading",
        why="A danger sign counts for 24 h unless repeated; once the hospital has seen the "
        "infant it does not make a day-10 reading an emergency.",
        infant=TERM_39,
        steps=(
            Reading(58, 150),
            Observation(60, {"lethargy": True}, expect={"action": "emergency"}),
            HospitalSeen(63),
            Reading(240, 80, expect={"action": "routine"}),
        ),
    ),
    Scenario(
        id="emergency-referral-not-closed",
        family="signs",
        title="An emergency referral the hospital never records",
        why="Until a hospital receives the infant (or a clinician closes the alert), no later "
        "home reading tells the parents that no visit is needed; the unacknowledged alert "
        "escalates.",
        infant=TERM_39,
        steps=(
            Reading(58, 150),
            Observation(60, {"lethargy": True}, expect={"action": "emergency"}),
            Wait(60.4),
            Reading(90, 160, expect={"action": "emergency"}),  # the emergency still stands
        ),
    ),
    Scenario(
        id="pale-stool",
        family="signs",
        title="Pale stool on the stool colour card, later normal",
        why="Possible biliary atresia: the doctor reviews within days; a later normal stool "
        "does not clear it before a doctor has acted (issue #26.11).",
        infant=TERM_39,
        steps=(
            Reading(72, 150),
            Observation(96, {"stool_card_number": 2}, expect={"action": "doctor_review"}),
            Observation(120, {"stool_card_number": 5}, expect={"action": "doctor_review"}),
        ),
    ),
    Scenario(
        id="weight-loss",
        family="signs",
        title="Weight more than 10 % below birth weight",
        why="Suboptimal intake: doctor review.",
        infant=Infant(ga="39+0", birth_weight_g=3400, feeding="exclusive_breastfeeding"),
        steps=(
            Reading(60, 170),
            Observation(72, {"weight_g": 3000}, expect={"action": "doctor_review"}),
        ),
    ),
    Scenario(
        id="prolonged-formula",
        family="prolonged jaundice",
        title="Still jaundiced at 15 days, formula-fed",
        why="Prolonged jaundice: total and direct bilirubin, doctor review.",
        infant=TERM_39,
        steps=(Reading(360, 170, expect={"action": "doctor_review"}),),
    ),
    Scenario(
        id="prolonged-breastfed",
        family="prolonged jaundice",
        title="Breastfed: jaundice at 15 days is not yet prolonged, at 22 days it is",
        why="The limit is 3 weeks when breastfed (mixed feeding counts as breastfed).",
        infant=Infant(ga="39+0", birth_weight_g=3400, feeding="exclusive_breastfeeding"),
        steps=(
            Reading(360, 170, expect={"action": "routine"}),
            Reading(528, 150, expect={"action": "doctor_review"}),
        ),
    ),
]
