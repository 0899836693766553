"""Scenarios: families who look (visual estimates) or photograph (skin photo estimates) rather
than measure. Estimates are never measurements: they may raise the action or bring the next
measurement forward, never lower or delay what a measurement set (the evidence order)."""

from tests.scenarios.steps import Infant, Photo, Reading, Scenario

TERM_38 = Infant(ga="38+0", birth_weight_g=3300, feeding="formula")
TERM_39 = Infant(ga="39+0", birth_weight_g=3400, feeding="formula")

SCENARIOS = [
    Scenario(
        id="visual-only-family",
        family="visual only",
        title="A family with no meter logs only what they see",
        why="Each visual estimate asks for a meter or lab value within 24 h; none reassures, "
        "none sets a window longer than 24 h.",
        infant=TERM_39,
        steps=(
            Reading(
                50,
                5,
                unit="mg/dL",
                method="visual",
                expect={"action": "repeat_sooner", "due_h": 74.0},
            ),
            Reading(
                100,
                5,
                unit="mg/dL",
                method="visual",
                expect={"action": "repeat_sooner", "due_h": 124.0},
            ),
        ),
    ),
    Scenario(
        id="visual-high",
        family="visual only",
        title="A visual estimate above the phototherapy line",
        why="Acted on as if the line may have been reached: hospital today, where a serum value "
        "is measured.",
        infant=TERM_39,
        steps=(
            Reading(60, 20, unit="mg/dL", method="visual", expect={"action": "urgent_referral"}),
        ),
    ),
    Scenario(
        id="visual-after-meter",
        family="visual only",
        title="A low visual estimate after a meter reading",
        why="The meter reading stays the measurement; the visual estimate only brings the next "
        "measurement forward to within 24 h.",
        infant=TERM_39,
        steps=(
            Reading(48, 150, expect={"action": "routine", "due_h": 120.0}),  # Δ 7.8: 3 days
            Reading(
                60,
                4,
                unit="mg/dL",
                method="visual",
                expect={"action": "repeat_sooner", "due_h": 84.0},
            ),
        ),
    ),
    Scenario(
        id="photo-only-family",
        family="photo only",
        title="A family that only uploads skin photos",
        why="With no measurement yet, a low photo estimate does not reassure: a meter or lab "
        "value is asked within 24 h.",
        infant=TERM_39,
        steps=(Photo(60, 6.0, 4.0, 8.0, expect={"action": "repeat_sooner", "due_h": 84.0}),),
    ),
    Scenario(
        id="photo-high-then-meter-answers",
        family="photo only",
        title="A high photo estimate, answered by a meter reading",
        why="The photo asks the doctor for a measurement within 4–24 h; the meter reading that "
        "comes answers it and sets the plan.",
        infant=TERM_39,
        steps=(
            Reading(40, 150, expect={"action": "routine"}),
            Photo(60, 15.5, 13.4, 17.6, expect={"action": "doctor_review", "due_h": 84.0}),
            Reading(64, 200, expect={"action": "routine"}),
        ),
    ),
    Scenario(
        id="photo-then-visual",
        family="photo only",
        title="Defect 1: a visual estimate after a high photo estimate",
        why="The visual estimate neither answers the photo nor lowers or delays what it asked.",
        infant=TERM_38,
        steps=(
            Reading(
                40, 154, method="tsb_lab", by="community_doctor", expect={"action": "routine"}
            ),  # 9.0 mg/dL
            Photo(49, 14.0, 12.0, 16.0, expect={"action": "doctor_review", "due_h": 73.0}),
            Reading(
                49.5,
                5,
                unit="mg/dL",
                method="visual",
                expect={"action": "doctor_review", "due_h": 73.0},
            ),
        ),
    ),
    Scenario(
        id="photo-at-escalation",
        family="photo only",
        title="Defect 5: a photo estimate at escalation of care",
        why="The photo path and the visual path agree: an estimate at escalation is an "
        "emergency, as a visual value of 25 mg/dL is.",
        infant=TERM_39,
        steps=(Photo(80, 25.0, 22.0, 28.0, expect={"action": "emergency"}),),
    ),
    Scenario(
        id="photo-first-day",
        family="photo only",
        title="A skin photo on the first day",
        why="Jaundice noticed in the first 24 hours: a TSB within 4–8 h, whatever the estimate.",
        infant=TERM_39,
        steps=(Photo(20, 6.0, 4.0, 8.0, expect={"action": "doctor_review", "due_h": 28.0}),),
    ),
    Scenario(
        id="photo-band-upper-end",
        family="photo only",
        title="Only the upper end of the photo's band is near the line",
        why="Measure sooner with a meter or lab; no doctor needed yet.",
        infant=TERM_39,
        steps=(
            Reading(40, 120),
            Photo(60, 13.0, 11.0, 15.5, expect={"action": "repeat_sooner", "due_h": 84.0}),
        ),
    ),
]
