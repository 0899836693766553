"""Scenarios: what arrives is not always what was meant — wrong units, impossible values, late
entries, offline batches, duplicates. Nothing doubtful may lower the advice; nothing late may be
announced as news; nothing is counted twice."""

from tests.scenarios.steps import Infant, Reading, Scenario, Sync, Wait

TERM_39 = Infant(ga="39+0", birth_weight_g=3400, feeding="formula")

SCENARIOS = [
    Scenario(
        id="unit-mistake",
        family="data quality",
        title="A mg/dL number sent as µmol/L, then measured again",
        why="18 µmol/L after 150 µmol/L looks like 18 mg/dL: kept, marked, lowers nothing, asks "
        "to measure again within 4 h; the new measurement counts.",
        infant=TERM_39,
        steps=(
            Reading(40, 150, expect={"action": "routine"}),
            Reading(60, 18, expect={"note": "unit_suspect", "due_h": 64.0}),
            Reading(61, 290, expect={"action": "doctor_review"}),  # 17.0 vs 18.2: Δ 1.2
        ),
    ),
    Scenario(
        id="implausible-fall",
        family="data quality",
        title="0 µmol/L one minute after 350 µmol/L",
        why="Impossible fall: the 350 still counts (urgent referral); the 0 is shown but marked.",
        infant=TERM_39,
        steps=(
            Reading(60, 350, expect={"action": "urgent_referral"}),
            Reading(60.02, 0, expect={"note": "implausible_fall", "action": "urgent_referral"}),
        ),
    ),
    Scenario(
        id="implausible-rise",
        family="data quality",
        title="A jump from 100 to 400 µmol/L in one hour",
        why="It may be true, so it raises (a high value is never ignored), but it is marked for "
        "confirmation.",
        infant=TERM_39,
        steps=(
            Reading(60, 100, expect={"action": "routine"}),
            Reading(61, 400, expect={"note": "implausible_rise", "action": "emergency"}),
        ),
    ),
    Scenario(
        id="late-entry-newest",
        family="late entries",
        title="A reading measured two and a half days ago is entered today",
        why="A late entry is history: the parents are not texted the result of a past reading; "
        "its next measurement (due at 88 h) has passed, so the reminder falls due now, never in "
        "the past.",
        infant=TERM_39,
        steps=(
            Reading(40, 150, late_h=60, expect={"note": "late entry", "parent_texts": 0}),
            Wait(100.1),
        ),
    ),
    Scenario(
        id="late-entry-older-than-latest",
        family="late entries",
        title="An old reading arrives after a newer one",
        why="It joins the record and the chart and changes nothing else.",
        infant=TERM_39,
        steps=(
            Reading(60, 170, expect={"due_h": 120.0}),  # Δ 8.2: 3 days, but by 120 h (policy)
            Reading(50, 160, late_h=10.5, expect={"parent_texts": 0, "due_h": 120.0}),
        ),
    ),
    Scenario(
        id="late-entry-dangerous",
        family="late entries",
        title="A lab TSB above escalation, typed in hours late",
        why="Late, but at hospital level: the doctors' alert opens, the system refers, and the "
        "parents are told now.",
        infant=TERM_39,
        steps=(
            Reading(60, 150),
            Reading(
                56,
                420,
                method="tsb_lab",
                by="community_doctor",
                late_h=6,
                expect={"alert": "emergency"},
            ),
        ),
    ),
    Scenario(
        id="offline-sync",
        family="late entries",
        title="A phone offline for a day sends three readings at once",
        why="Each reading is assessed on what came before it; none is announced as news; the "
        "newest sets the plan (a time still ahead, so the reminder keeps it).",
        infant=TERM_39,
        steps=(
            Reading(36, 120),
            Sync(
                at_h=70,
                readings=(Reading(48, 150), Reading(56, 170), Reading(64, 190)),
                expect={"parent_texts": 0},
            ),
        ),
    ),
    Scenario(
        id="duplicate-upload",
        family="duplicates",
        title="The same reading sent twice (a retry on a poor connection)",
        why="The second copy answers with the first (200, same record): nothing is counted, "
        "alerted or texted twice.",
        infant=TERM_39,
        steps=(
            Reading(48, 260, key="phone-retry-0001", expect={"status": 201}),
            Reading(
                48,
                260,
                key="phone-retry-0001",
                late_h=0.1,
                expect={"status": 200, "parent_texts": 0},
            ),
        ),
    ),
    Scenario(
        id="duplicate-key-conflict",
        family="duplicates",
        title="A key reused for a different value",
        why="Refused with 409: the app must use a new key for a new reading.",
        infant=TERM_39,
        steps=(
            Reading(48, 150, key="phone-key-0002"),
            Reading(50, 160, key="phone-key-0002", expect={"status": 409}),
        ),
    ),
    Scenario(
        id="clock-ahead",
        family="data quality",
        title="A phone clock an hour ahead",
        why="A time more than 5 minutes in the future is refused with a field message; nothing "
        "is saved.",
        infant=TERM_39,
        steps=(Reading(48, 150, late_h=-1, expect={"status": 400}),),
    ),
]
