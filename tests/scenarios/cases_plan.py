"""Scenarios of the follow-up plan (issue #26): whole courses, where what was asked must outlive
the next event — a doubtful value, a night, a phone's daily budget, a twin on the same phone, a
hospital stay, a change of status, a risk factor found late, a month of daily readings.

Clock: birth is 11-02 08:00 (Asia/Shanghai), so an age of 14 h is 22:00 and 18 h is 02:00 of
the first night; every 24 h later is the same clock time. Quiet hours are 21:00–08:00: what is
asked "today" or "within hours" must still go at once, routine texts wait for 08:00. Thresholds
quoted are AAP 2022 (mg/dL; µmol/L = × 17.1), "no risk" curves unless said.
"""

from tests.scenarios.steps import (
    Acknowledge,
    ClosePlanRequest,
    Facts,
    FollowUp,
    HospitalSeen,
    Infant,
    Observation,
    Phototherapy,
    Question,
    Reading,
    Refer,
    Scenario,
    Wait,
)

TERM_39 = Infant(ga="39+0", birth_weight_g=3300, feeding="formula")
TERM_39_BREASTFED = Infant(ga="39+0", birth_weight_g=3300, feeding="exclusive_breastfeeding")
LAB = {"method": "tsb_lab", "by": "community_doctor"}
CLINIC = {"method": "tcb_clinic", "by": "community_doctor"}
NO_VISIT = "No visit is needed"


def _month_of_daily_readings() -> tuple:
    """A breastfed infant measured at home every evening (18:00) from day 1 to day 27, and on
    the morning of day 28: a peak on day 4, two falls, a second rise on days 7–8 (200 → 220 →
    254 µmol/L), falls again, then a slow fade that is still visible at three weeks."""
    values = {
        1: 110,
        2: 165,
        3: 200,
        4: 215,
        5: 210,
        6: 200,
        7: 220,
        8: 254,
        9: 240,
        10: 225,
        11: 215,
        12: 205,
        13: 200,
        14: 195,
        15: 190,
        16: 185,
        17: 180,
        18: 175,
        19: 170,
        20: 165,
        21: 160,
        22: 155,
        23: 150,
        24: 140,
        25: 130,
        26: 120,
        27: 110,
    }
    expect = {
        # Day 6 → 7 → 8: a rise on day 7 and day 8 keeps monitoring going (#26.9).
        7: {"action": "routine", "not_says": "no routine measurement"},
        8: {"action": "routine", "not_says": "no routine measurement"},
        # Day 21 of a breastfed infant: prolonged jaundice, the doctor reviews.
        21: {"action": "doctor_review"},
    }
    steps = []
    for day, value in values.items():
        steps.append(Reading(24 * day + 10, value, expect=expect.get(day, {})))
        if day == 10:
            steps.append(Observation(24 * day + 11, {"stool_card_number": 6, "weight_g": 3550}))
    steps.append(Reading(671, 100))  # day 28, 07:00: the last day a reading is accepted
    return tuple(steps)


SCENARIOS = [
    # --- the follow-up plan: the reproductions of issue #26 ---------------------------------
    Scenario(
        id="plan-observation-keeps-hospital-advice",
        family="follow-up plan",
        title="#26.1: a routine observation after a doubtful 390 µmol/L",
        why="TcB 250, then 390 a minute later (doubted as too fast a rise, acted on: hospital "
        "today). A normal stool card and a weight a few minutes later must not bring back "
        "'no visit is needed' on the 250: look at the action and the parents' advice after "
        "step 3, the plan's open 'confirm the 390' request, and the value the triage queue "
        "shows (the issue: the value that sets the action, doubtful ones marked).",
        infant=TERM_39,
        steps=(
            Reading(100, 250, expect={"action": "routine"}),  # 14.6 vs 21.5: Δ 6.9
            Reading(
                100.02,
                390,  # 22.8 ≥ 21.5, below escalation 25.0
                expect={"note": "implausible_rise", "action": "urgent_referral"},
            ),
            Observation(
                100.1,
                {"stool_card_number": 5, "weight_g": 3200},
                expect={"action": "urgent_referral", "not_says": NO_VISIT},
            ),
        ),
    ),
    Scenario(
        id="plan-observation-keeps-doctor-review",
        family="follow-up plan",
        title="#26.1: a routine observation after a doubtful value in the blood-test zone",
        why="TcB 250, then a doubtful 330 (19.3 mg/dL, 2.2 below the line: if true, a TSB is "
        "needed). No hospital alert holds it, only the plan does: the observation after it "
        "keeps the doctor review and the request to confirm the 330. Look at the queue row: "
        "which value does the doctor triage from?",
        infant=TERM_39,
        steps=(
            Reading(100, 250),
            Reading(100.02, 330, expect={"note": "implausible_rise", "action": "doctor_review"}),
            Observation(
                100.1,
                {"stool_card_number": 5, "weight_g": 3200},
                expect={"action": "doctor_review", "not_says": NO_VISIT},
            ),
        ),
    ),
    Scenario(
        id="plan-repeat-confirms-doubtful-value",
        family="follow-up plan",
        title="#26.2: measured again, 385 confirms the doubtful 390",
        why="The repeat is compared with the doubtful value itself (within 2 mg/dL: "
        "confirm_tolerance_mg_dl), not with the 250 before it: it confirms, it is not doubted "
        "in its turn, and the parents are not asked to measure again and again. The confirm "
        "request ends; the blood test a TcB above the line needs stays asked (the hospital "
        "measures it). The doctor refers.",
        infant=TERM_39,
        steps=(
            Reading(100, 250),
            Reading(100.02, 390, expect={"note": "implausible_rise"}),
            Reading(
                100.35,
                385,
                expect={"action": "urgent_referral", "hospital_now": True, "plan": ("tsb",)},
            ),
            Refer(100.6, expect={"action": "urgent_referral"}),
        ),
    ),
    Scenario(
        id="plan-meter-does-not-answer-blood-test",
        family="follow-up plan",
        title="#26.4: a first-day blood test is not answered by a home meter",
        why="TcB at 18 h (02:00) asks for a TSB within 4–8 h. The home TcB at 25 h is a "
        "meter, not serum: the blood test stays asked, with its due time and the doctor "
        "review, and no 'no visit is needed'. The lab TSB at 26 h answers it and the plan "
        "empties.",
        infant=TERM_39,
        steps=(
            Reading(
                18,
                150,  # 8.8 vs 11.8: Δ 3.0, but the first day
                expect={"action": "doctor_review", "plan": ("tsb",), "held": 0},
            ),
            Reading(
                25,
                160,
                expect={"action": "doctor_review", "plan": ("tsb",), "not_says": NO_VISIT},
            ),
            Reading(26, 170, **LAB, expect={"plan": ()}),
        ),
    ),
    Scenario(
        id="plan-worse-value-repages",
        family="follow-up plan",
        title="#26.7: a worse value inside an acknowledged urgent alert",
        why="TcB 300 at 48 h (at the line): urgent referral; the community doctor acknowledges. "
        "TcB 350 an hour later is still 'urgent referral', but 2.9 mg/dL worse "
        "(ALERT_REPAGE_STEP_MG_DL 1.5): the doctor is paged again and the alert shows 350, "
        "not 300. Escalation, when it comes, pages only this district's doctor.",
        infant=TERM_39,
        steps=(
            Reading(
                48, 300, expect={"action": "urgent_referral", "alert": "urgent hospital referral"}
            ),
            Acknowledge(48.3),
            Reading(
                49,
                350,
                expect={
                    "action": "urgent_referral",
                    "doctor_texts": 1,
                    "alert": "urgent hospital referral · open · TcB 350 µmol/L",
                },
            ),
            Wait(50.5),
        ),
    ),
    Scenario(
        id="plan-new-reason-repages",
        family="follow-up plan",
        title="#26.7: the same level, a new reason (a rise that suggests haemolysis)",
        why="Lab TSB 250 at 40 h: 0.8 below the line, doctor review. Lab TSB 265 at 44 h: still "
        "doctor review, but rising 0.22 mg/dL an hour (rapid rise: haemolysis?). A new reason "
        "pages the doctor again and the alert moves to the new value.",
        infant=TERM_39,
        steps=(
            Reading(40, 250, **LAB, expect={"action": "doctor_review"}),  # 14.6 vs 15.4
            Reading(
                44,
                265,  # 15.5 vs 16.0
                **LAB,
                expect={
                    "action": "doctor_review",
                    "doctor_texts": 1,
                    "alert": "community doctor review today · open · TSB 265 µmol/L",
                },
            ),
        ),
    ),
    Scenario(
        id="plan-seizure-after-confirmed-value",
        family="follow-up plan",
        title="#26.7: the value and the sign that set the action are what the alert shows",
        why="250, a doubtful 390, a confirming 385, then the parents report a seizure: an "
        "emergency. Look at the alert line after each step: it must show the value that sets "
        "the action now (390/385), never the 250 with its comfortable gap.",
        infant=TERM_39,
        steps=(
            Reading(100, 250),
            Reading(100.02, 390),
            Reading(100.35, 385),
            Observation(100.6, {"seizures": True}, expect={"action": "emergency"}),
        ),
    ),
    Scenario(
        id="plan-blood-test-settles-doubtful-fall",
        family="follow-up plan",
        title="A doubtful fall, settled by a blood test",
        why="TcB 300 at 60 h (0.6 below the line): doctor review and a TSB. TcB 150 two hours "
        "later would be a fall of 8.8 mg/dL: doubted, it lowers nothing. The lab TSB of 290 "
        "answers both the blood test and the doubt (a TSB settles a doubtful value), and the "
        "next step rests on the serum value.",
        infant=TERM_39,
        steps=(
            Reading(60, 300, expect={"action": "doctor_review", "plan": ("tsb",)}),
            Reading(
                62,
                150,
                expect={
                    "note": "implausible_fall",
                    "action": "doctor_review",
                    "not_says": NO_VISIT,
                },
            ),
            Reading(64, 290, **LAB, expect={"plan": ("tsb",)}),  # 17.0 vs 18.4: a TSB again
        ),
    ),
    Scenario(
        id="plan-doctor-closes-blood-test",
        family="follow-up plan",
        title="A doctor closes the blood-test request with a reason",
        why="TcB 255 at 48 h (14.9 mg/dL, 1.7 below the line): doctor review and a TSB. The "
        "community doctor sees the infant, finds a clinic TcB of 200 and decides no blood "
        "test is needed: the request ends by a clinician's decision (audited), the infant is "
        "re-assessed at once, and the plan is empty. Nothing else could have closed it.",
        infant=TERM_39,
        steps=(
            Reading(48, 255, expect={"action": "doctor_review", "plan": ("tsb",)}),
            Reading(51, 200, **CLINIC, expect={"plan": ("tsb",)}),
            ClosePlanRequest(
                51.5,
                "tsb",
                "门诊复测经皮胆红素 200 μmol/L，精神吃奶好，无需抽血",
                expect={"plan": ()},
            ),
        ),
    ),
    Scenario(
        id="plan-unit-on-day-one",
        family="follow-up plan",
        title="#26.12: '13' sent as µmol/L on the first day",
        why="13 µmol/L is 0.8 mg/dL — or 13 mg/dL typed in the wrong unit, which at 20 h would "
        "be above the line (12.1). The issue asks that a number that reads as the other unit "
        "ask 'which unit?' on day one too; look at the note and the advice.",
        infant=TERM_39,
        steps=(Reading(20, 13),),
    ),
    Scenario(
        id="plan-pale-stool-then-one-normal-card",
        family="follow-up plan",
        title="#26.11: a pale stool, then one normal card before any doctor acted",
        why="A pale stool (card 2) asks the doctor to review for biliary atresia. The issue "
        "asks that one normal card the next morning not clear it before a doctor acted, and "
        "that the liver pathway ask for a total and conjugated bilirubin by a named day.",
        infant=TERM_39,
        steps=(
            Reading(72, 150),
            Observation(96, {"stool_card_number": 2}, expect={"action": "doctor_review"}),
            Observation(110, {"stool_card_number": 5}),
        ),
    ),
    # --- nights and budgets ---------------------------------------------------------------
    Scenario(
        id="night-first-day-blood-test",
        family="nights and budgets",
        title="#26.5: a first-day request at 22:00",
        why="TcB at 14 h (22:00 on the day of birth): a TSB within 4–8 h, i.e. by 06:00. The "
        "doctor's alert and the parents' text go at once, not at 08:00; the text sends them "
        "to a place open at night (the centre is closed), never 'by 02:00 at the centre'.",
        infant=TERM_39,
        steps=(
            Reading(14, 150, expect={"action": "doctor_review", "plan": ("tsb",), "held": 0}),
            Wait(22),
        ),
    ),
    Scenario(
        id="night-result-withdrawn",
        family="nights and budgets",
        title="#26.3: a reassuring result held overnight, overtaken by an urgent one",
        why="TcB 150 at 22:30 is routine: its texts wait for 08:00. Ten minutes later a lab TSB "
        "of 350 is above the line: urgent referral, sent at once. At 08:00 the reassuring "
        "text is withdrawn (kept, never sent): the parents never read 'no visit is needed' "
        "after 'go to hospital today'.",
        infant=TERM_39,
        steps=(
            Reading(62.5, 150, expect={"action": "routine", "held": 2}),
            Reading(62.67, 350, **LAB, expect={"action": "urgent_referral", "held": 0}),
            Wait(63.9),
            Wait(72.1, expect={"earlier": "withdrawn"}),
        ),
    ),
    Scenario(
        id="night-urgent-at-2am",
        family="nights and budgets",
        title="A lab TSB above the line at 02:00, nobody acknowledges",
        why="Urgent referral at 02:00: the parents and the community doctor are told at once; "
        "unacknowledged after 60 min the district doctor is paged (never the neighbouring "
        "district's, who cannot open the record).",
        infant=TERM_39,
        steps=(
            Reading(
                42,
                330,  # 19.3 vs 15.7, below escalation 21.4
                **LAB,
                expect={"action": "urgent_referral", "held": 0},
            ),
            Wait(43.2),
            Wait(44.4),
        ),
    ),
    Scenario(
        id="night-reminder-routine",
        family="nights and budgets",
        title="A routine re-measurement falls due in the night",
        why="A routine reading at 22:00 on day 4 asks for the next within 24–48 h, by 22:00 on "
        "day 6. The reminder that falls due in quiet hours waits for the morning and must not "
        "name a time already past when it goes; the missed-measurement steps follow.",
        infant=TERM_39,
        steps=(
            Reading(86, 190, expect={"action": "routine"}),
            Wait(134.1),  # 22:06: the reminder falls due
            Wait(140.2),  # 04:12: six hours later, the second reminder and the doctor's note
            Wait(144.2),  # 08:12: what the night held has gone at 08:00
            Wait(160.2),
        ),
    ),
    Scenario(
        id="night-phototherapy-text-withdrawn",
        family="nights and budgets",
        title="#26.3: 'under phototherapy' held overnight, phototherapy stopped by morning",
        why="The hospital records phototherapy at 22:30; the parents' text about it waits for "
        "08:00. The course stops at 06:00 and is recorded (the referral stays open): at 08:00 "
        "the 'your baby is under phototherapy' text is no longer true and must be withdrawn; "
        "the text about the stop and the rebound check is what the parents read.",
        infant=TERM_39,
        steps=(
            Reading(60, 340, **LAB, expect={"action": "urgent_referral"}),
            Refer(60.5),
            Phototherapy(start_h=62, stop_h=None, at_h=62.5),
            Phototherapy(start_h=62, stop_h=70, at_h=70.2, close=False),
            Wait(72.1, expect={"earlier": "withdrawn"}),
        ),
    ),
    # --- twins on one phone ----------------------------------------------------------------
    Scenario(
        id="twins-value-typed-on-wrong-record",
        family="twins",
        title="#26.4: a twin's value typed on the other twin's record",
        why="陈大宝 200 and 陈二宝 120 at 60 h. At 68 h the mother types 陈二宝's 120 on 陈大宝's "
        "record: a fall of 4.7 mg/dL in 8 h is faster than untreated bilirubin falls, so it is "
        "doubted and lowers nothing. 陈大宝's true 205 an hour later is compared with the 200, "
        "not with the doubted 120: it is not 'implausible'.",
        infant=TERM_39,
        steps=(
            Reading(60, 200),
            Reading(60.1, 120, twin=True),
            Reading(68, 120, expect={"note": "implausible_fall", "action": "repeat_sooner"}),
            Reading(69, 205, expect={"action": "routine", "plan": ()}),
        ),
    ),
    Scenario(
        id="twins-night-texts-merge",
        family="twins",
        title="Twins measured at 22:00: one phone, one morning text",
        why="Two routine results at 22:00 wait for 08:00 (quiet hours), and then go as one "
        "text per phone (one unit of the daily budget), each infant named.",
        infant=TERM_39,
        steps=(
            Reading(62, 170, expect={"held": 2}),
            Reading(62.1, 160, twin=True, expect={"held": 2}),
            Wait(72.1, expect={"earlier": "merged"}),
        ),
    ),
    Scenario(
        id="twins-one-urgent-at-night",
        family="twins",
        title="Twins at night: one routine, one above the line",
        why="陈大宝's routine result at 23:00 waits for 08:00; 陈二宝's lab TSB above the line "
        "ten minutes later goes at once and alone (nothing routine is folded into an urgent "
        "text, and nothing urgent waits for a routine one).",
        infant=TERM_39,
        steps=(
            Reading(63, 170, expect={"held": 2}),
            Reading(63.2, 340, twin=True, **LAB, expect={"action": "urgent_referral", "held": 0}),
            Wait(64.4, twin=True),
            Wait(72.1),
        ),
    ),
    Scenario(
        id="twins-budget-spent",
        family="twins",
        title="#26.5: the phone's daily budget spent by twins, then 'contact your doctor today'",
        why="Four routine results for the twins between 09:00 and 12:00 use the phone's daily "
        "budget (5, one kept for urgent). 陈二宝's TcB 255 at 13:00 asks for the doctor today: "
        "it goes at once, past the budget. A routine result later that afternoon waits for "
        "the next day (the budget still governs the rest).",
        infant=TERM_39,
        steps=(
            Reading(49, 170),
            Reading(49.1, 190, twin=True),
            Reading(51, 175),
            Reading(51.1, 195, twin=True),
            # 14.9 vs 17.3: within 3 mg/dL of the line, and rising 1.8 mg/dL an hour
            Reading(53, 255, twin=True, expect={"action": "doctor_review", "held": 0}),
            Reading(55, 180, expect={"action": "routine", "held": 2}),
            Wait(57.2, twin=True),
            Wait(61.05, twin=True),
            Wait(72.1),
        ),
    ),
    Scenario(
        id="twins-one-died",
        family="twins",
        title="Twins: one dies, the other's follow-up goes on",
        why="陈二宝 dies in hospital on day 3 (recorded by the paediatrician): nothing more is "
        "written or sent about 陈二宝 — no reminder, no 'missed measurement' — while 陈大宝's "
        "reminders and results go on to the same phones.",
        infant=TERM_39,
        steps=(
            Reading(48, 170),
            Reading(48.1, 180, twin=True),
            FollowUp(60, "died", "住院期间死亡（院方告知）", by="paediatrician", twin=True),
            Wait(96.1),
            Wait(121),
            Reading(122, 160, expect={"action": "routine"}),
        ),
    ),
    # --- hospital round trips --------------------------------------------------------------
    Scenario(
        id="round-trip-with-statuses",
        family="hospital round trips",
        title="Referred, admitted, phototherapy, home again — each status recorded",
        why="The follow-up status follows the infant (in hospital, under phototherapy, back "
        "home); the end of phototherapy is recorded on the treated referral without closing "
        "it; after the stop the next-day check (24–36 h) is asked, then home monitoring goes "
        "on to its end.",
        infant=TERM_39,
        steps=(
            Reading(60, 320, **LAB, expect={"action": "urgent_referral"}),  # 18.7 vs 18.1
            Refer(60.5),
            FollowUp(62, "in_hospital", "已入院", by="paediatrician"),
            Phototherapy(start_h=62.5, stop_h=None, at_h=63),
            FollowUp(63.1, "under_phototherapy", "蓝光治疗中", by="paediatrician"),
            Phototherapy(start_h=62.5, stop_h=86, at_h=86.5, close=False),
            FollowUp(88, "back_home", "出院回家", by="paediatrician"),
            Reading(112, 200, expect={"action": "routine"}),
            Reading(150, 180),
            Reading(175, 150),
        ),
    ),
    Scenario(
        id="round-trip-phototherapy-no-end",
        family="hospital round trips",
        title="#26.8: a phototherapy course nobody closed, and the baby is home",
        why="Phototherapy started at 75 h has no recorded end. The parents' TcB at 100 h is "
        "assessed as any home reading (not 'the hospital decides' for ever) and asks the "
        "hospital to record the end of the course.",
        infant=TERM_39,
        steps=(
            Reading(72, 340, **LAB, expect={"action": "urgent_referral"}),
            Refer(72.5),
            Phototherapy(start_h=75, stop_h=None, at_h=75.5),
            Reading(100, 150, expect={"says": "has no recorded end"}),
            Reading(124, 140),
        ),
    ),
    Scenario(
        id="round-trip-emergency-seen-untreated",
        family="hospital round trips",
        title="#26.8: the emergency department sees the infant and sends it home untreated",
        why="Lethargy at 60 h: emergency, referred by the system; nobody acknowledges, the "
        "district and then the region are paged. The hospital sees the infant at 63 h, treats "
        "nothing and closes: the page no longer says 'go to the emergency department now', a "
        "next measurement exists (within 24 h). Look at the alert after the visit: nobody "
        "should still be paged about an emergency the hospital has closed.",
        infant=TERM_39,
        steps=(
            Reading(58, 150),
            Observation(60, {"lethargy": True}, expect={"action": "emergency"}),
            Wait(60.3),
            Wait(60.6),
            HospitalSeen(63, expect={"action": "repeat_sooner", "due_h": 87.0}),
            Wait(63.5),
            Reading(80, 170, expect={"action": "routine"}),
        ),
    ),
    Scenario(
        id="round-trip-home-reading-under-phototherapy-status",
        family="hospital round trips",
        title="The status says 'under phototherapy', a home reading arrives",
        why="A paediatrician sets the status to 'under phototherapy' (the course itself is on "
        "the referral, started, no end). A home TcB two days later is assessed normally and "
        "asks the hospital to close the course; back home, the follow-up goes on.",
        infant=TERM_39,
        steps=(
            Reading(66, 330, **LAB),
            Refer(66.5),
            Phototherapy(start_h=68, stop_h=None, at_h=68.5),
            FollowUp(68.6, "under_phototherapy", "光疗中", by="paediatrician"),
            Reading(116, 180, expect={"says": "has no recorded end"}),
            FollowUp(117, "back_home", "已出院", by="paediatrician"),
        ),
    ),
    Scenario(
        id="round-trip-g6pd-found-in-hospital",
        family="hospital round trips",
        title="G6PD deficiency found during phototherapy: the rebound check changes",
        why="Phototherapy from 75 h, started after 48 h at 39 weeks: no rebound risk factor, "
        "one check the next day. The hospital finds G6PD deficiency during the course and "
        "records it: when phototherapy stops, haemolysis is a rebound risk factor — measure "
        "6–12 h after stopping, and again the next day.",
        infant=TERM_39,
        steps=(
            Reading(72, 340, **LAB, expect={"action": "urgent_referral"}),
            Refer(72.5),
            Phototherapy(start_h=75, stop_h=None, at_h=75.5),
            Facts(
                90,
                {"neurotoxicity_risk_factors": ["g6pd_deficiency"]},
                "住院查 G6PD 缺乏",
                by="paediatrician",
            ),
            Phototherapy(start_h=75, stop_h=99, at_h=99.5, close=False, expect={"due_h": 111.0}),
            Reading(108, 200, expect={"due_h": 135.0}),
        ),
    ),
    # --- status changes ------------------------------------------------------------------------
    Scenario(
        id="status-moved-then-back",
        family="status changes",
        title="#26.10: a family moves away, and comes back",
        why="Moved or transferred ends what is automatic: no reminder and no 'missed "
        "measurement' text while away. Back in the district (active again) the infant is "
        "re-assessed at once and a new measurement is asked.",
        infant=TERM_39,
        steps=(
            Reading(60, 170, expect={"action": "routine"}),
            FollowUp(70, "moved", "搬往外省，已转介当地"),
            Wait(121, expect={"parent_texts": 0}),
            Wait(140, expect={"parent_texts": 0}),
            FollowUp(150, "active", "回到本区继续随访"),
            Wait(150.2),
            Wait(156.2),
        ),
    ),
    Scenario(
        id="status-died-says-nothing",
        family="status changes",
        title="#26.10: an infant dies while a blood test is asked",
        why="Doctor review and a blood test are open (alert, plan, reminder). The infant dies: "
        "the plan's requests and the alert close with the reason, nothing pending is sent, "
        "nothing later is written — no reminder, no 'missed measurement', no article.",
        infant=TERM_39,
        steps=(
            Reading(44, 150),
            Reading(48, 255, expect={"action": "doctor_review", "plan": ("tsb",)}),
            FollowUp(49, "died", "家属电话告知", expect={"plan": (), "parent_texts": 0}),
            Wait(73, expect={"parent_texts": 0}),
            Wait(121, expect={"parent_texts": 0}),
        ),
    ),
    Scenario(
        id="status-declined-with-request-open",
        family="status changes",
        title="A family declines follow-up while a blood test is asked",
        why="The family declines: the request closes with the reason (a clinician's decision, "
        "audited), the alert is resolved, and nothing automatic is sent. A doctor may still "
        "take the follow-up up again; the plan then starts from what the record says.",
        infant=TERM_39,
        steps=(
            Reading(48, 255, expect={"action": "doctor_review", "plan": ("tsb",)}),
            FollowUp(50, "declined", "家长拒绝继续随访，已告知风险", expect={"plan": ()}),
            Wait(75, expect={"parent_texts": 0}),
            FollowUp(76, "active", "家长同意恢复随访"),
        ),
    ),
    Scenario(
        id="status-completed-after-monitoring",
        family="status changes",
        title="Monitoring ends, then the doctor completes the follow-up",
        why="Two falls after 72 h end routine monitoring and name the day-14 check; the doctor "
        "then records the follow-up as completed: the day-14 reminder is cancelled with it.",
        infant=TERM_39,
        steps=(
            Reading(84, 190),
            Reading(108, 160),
            Reading(130, 130, expect={"action": "routine", "due_h": 336.0}),
            FollowUp(140, "completed", "黄疸消退，随访结束"),
            Wait(337, expect={"parent_texts": 0}),
        ),
    ),
    # --- risk factors and facts found late -----------------------------------------------------
    Scenario(
        id="facts-g6pd-found-later",
        family="late-found facts",
        title="#26.10: a G6PD result found after registration",
        why="TSB 230 at 48 h is 3.1 below the no-risk line (repeat sooner). G6PD deficiency "
        "is recorded at 50 h with a reason: the infant is re-assessed at once on the with-risk "
        "curve (14.0): 0.5 below, doctor review and a blood test; the texts stop asking doctors "
        "to 'confirm' risk factors.",
        infant=TERM_39,
        steps=(
            Reading(48, 230, **LAB, expect={"action": "repeat_sooner"}),
            Facts(
                50,
                {"neurotoxicity_risk_factors": ["g6pd_deficiency"]},
                "新生儿筛查 G6PD 缺乏",
                expect={"action": "doctor_review", "plan": ("tsb",)},
            ),
            # 14.3 vs 14.9: the TSB answers the request, and asks for the next one
            Reading(56, 245, **LAB, expect={"action": "doctor_review", "plan": ("tsb",)}),
        ),
    ),
    Scenario(
        id="facts-risk-not-assessed-then-recorded",
        family="late-found facts",
        title="Risk factors 'not assessed' until the doctor records 'none'",
        why="With neurotoxicity risk factors not assessed the with-risk curves are used (TcB "
        "220 at 48 h: 1.1 below 14.0, doctor review and a blood test) and the texts say so. "
        "The doctor records that there are none: re-assessed at once on the no-risk curve "
        "(3.7 below 16.6). Look at whether the blood test asked on the with-risk curve stays "
        "in the plan until the doctor closes it, and what the parents are told.",
        infant=Infant(ga="39+0", birth_weight_g=3300, feeding="formula", neurotoxicity=None),
        steps=(
            Reading(48, 220, expect={"action": "doctor_review"}),  # 12.9 vs 14.0 with risk
            Facts(49, {"neurotoxicity_risk_factors": []}, "查 DAT 阴性、G6PD 正常、无感染征象"),
            ClosePlanRequest(
                49.5,
                "tsb",
                "无神经毒性危险因素，按无危险因素曲线差 3.7 mg/dL，无需抽血",
                expect={"action": "routine", "plan": ()},
            ),
        ),
    ),
    Scenario(
        id="facts-gestation-corrected",
        family="late-found facts",
        title="The gestation was 36+3 weeks, not 39+0",
        why="TcB 210 at 48 h is routine at 39 weeks (4.3 below 16.6). Corrected to 36+3 weeks "
        "(the 36-week curve, 14.8 at 48 h; the gestation is built into the curves), the same "
        "value is 2.5 below the line, within 3 mg/dL: doctor review and a blood test to "
        "confirm the meter, at once. Look at what the parents are told of the change.",
        infant=TERM_39,
        steps=(
            Reading(48, 210, expect={"action": "routine"}),
            Facts(
                50,
                {"gestational_age_weeks": 36, "gestational_age_days": 3},
                "产科记录核对：孕 36+3 周",
                expect={"action": "doctor_review", "plan": ("tsb",)},
            ),
        ),
    ),
    Scenario(
        id="facts-feeding-corrected",
        family="late-found facts",
        title="Recorded as breastfed, fed formula since day 3",
        why="Breastfed, jaundice at 15 days is not yet prolonged (3 weeks). The doctor records "
        "that the infant has been formula-fed since day 3: at 15 days that is prolonged "
        "jaundice (2 weeks): doctor review, at once.",
        infant=TERM_39_BREASTFED,
        steps=(
            Reading(360, 170, expect={"action": "routine"}),
            Facts(
                362, {"feeding": "formula"}, "第3天起人工喂养", expect={"action": "doctor_review"}
            ),
        ),
    ),
    # --- questions ------------------------------------------------------------------------
    Scenario(
        id="question-negated-sign",
        family="questions",
        title="A question that mentions a danger sign only to deny it",
        why="'宝宝没有抽搐，就是黄' (no seizures, just yellow). The issue asks that a negated "
        "mention be recorded as 'mentioned, unconfirmed' for a doctor's call — answered today "
        "— never as the sign itself (no automatic emergency referral on a denial).",
        infant=TERM_39,
        steps=(
            Reading(60, 170, expect={"action": "routine"}),
            Question(61, "宝宝没有抽搐，就是看起来比昨天黄，要紧吗？"),
        ),
    ),
    Scenario(
        id="question-sleepy-feeding-less",
        family="questions",
        title="'Sleeps all the time and feeds less' with a routine reading",
        why="A routine TcB in the morning; in the afternoon the mother writes that the baby "
        "sleeps all the time and feeds less. The issue asks for a doctor today (not tomorrow's "
        "answer within 24 h); look at when the answer is due, and at the action.",
        infant=TERM_39_BREASTFED,
        steps=(
            Reading(74, 200, expect={"action": "routine"}),
            Question(80, "宝宝一直在睡，叫不太醒，吃奶也比以前少"),
            Wait(84.1),
        ),
    ),
    # --- a month of daily readings -----------------------------------------------------------
    Scenario(
        id="month-of-daily-readings",
        family="a month of readings",
        title="#26.9: a breastfed infant measured every evening for four weeks",
        why="Read down the month. Two successive falls end routine monitoring on day 6 and name "
        "the prolonged-jaundice check (day 21, breastfed); the rise on days 7–8 (200 → 220 → "
        "254) takes monitoring up again — it never ends on a rise; past day 7 the first fall "
        "ends it again (programme policy: 2 falls or day 7). 'Your baby is N days old' names "
        "the baby's own age. From day 21 the jaundice is prolonged and the doctor reviews: "
        "look at what is asked (the issue asks for a total and conjugated bilirubin by a "
        "named day, not another home reading) and at the alert's shown value.",
        infant=TERM_39_BREASTFED,
        steps=_month_of_daily_readings(),
    ),
]
