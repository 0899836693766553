"""The vocabulary of the scenario book: an infant, and what happens to it, step by step.

Every time is an age in hours after birth; `late_h` is how long after that moment the record
reaches NeoCare (a phone offline, a lab result typed in later). Values are what was sent, in the
unit sent. Each scenario may state what it expects at a step (`expect`): the replay asserts it,
and the book records everything else as it happened.

Twins: a step with `twin=True` is about the second infant of the family (same mother and
father, so the same phones; same birth). A scenario that has one names them 陈大宝 and 陈二宝.

What a step may expect (see replay._check): status, action, due_h, hospital_now, parent_texts,
doctor_texts (to the community doctor), alert (how the alert line starts), note, says (in the
clinician's or the parents' English text), not_says, plan (the kinds of the plan's open requests,
in the plan's order, e.g. ("tsb",)), held (how many of the step's new texts wait for later: quiet
hours or the daily budget), earlier (words in what became of texts held at an earlier step, e.g.
"withdrawn").
"""

from dataclasses import dataclass, field

# How long after the measurement a record usually arrives: a parent typing it in.
ENTERED_AFTER_H = 0.05


@dataclass(frozen=True)
class Infant:
    ga: str = "39+0"
    birth_weight_g: int = 3400
    feeding: str = "formula"
    # None: not assessed (the with-risk curves are used); [] assessed, none.
    neurotoxicity: tuple[str, ...] | None = ()
    hyperbilirubinemia: tuple[str, ...] = ()
    sex: str = "female"


@dataclass(frozen=True)
class Reading:
    at_h: float
    value: float
    unit: str = "umol/L"
    method: str = "tcb_home"  # tcb_home, tcb_clinic, tsb_lab, visual
    by: str = "parent"  # parent, community_doctor, paediatrician
    late_h: float = ENTERED_AFTER_H
    key: str | None = None  # the client's idempotency key (a resend reuses it)
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Sync:
    """An offline phone sending several readings in one batch, when it reconnects."""

    readings: tuple[Reading, ...]
    at_h: float  # when the batch arrives
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Observation:
    at_h: float
    values: dict
    late_h: float = ENTERED_AFTER_H
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Photo:
    """A skin photo uploaded through the API; the estimator's answer is given (the image
    analysis itself is tested in tests/photos, on synthetic renders)."""

    at_h: float
    estimate_mg_dl: float
    low_mg_dl: float
    high_mg_dl: float
    late_h: float = ENTERED_AFTER_H
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Refer:
    """The community doctor refers from the open alert (nearest hospital)."""

    at_h: float
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Phototherapy:
    """The receiving hospital's paediatrician records phototherapy on the referral. Its end,
    on a referral already treated, comes with closing the referral, or (`close=False`) is
    recorded on the treated referral, which stays open."""

    start_h: float
    stop_h: float | None
    at_h: float  # when it is recorded
    close: bool = True
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HospitalSeen:
    """The receiving hospital's paediatrician sees the infant, gives no treatment, closes the
    referral."""

    at_h: float
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Thresholds:
    """A paediatrician sets this infant's thresholds (outside AAP 2022)."""

    at_h: float
    phototherapy: float
    exchange: float | None
    unit: str = "umol/L"
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """A clinician corrects the infant's facts with a reason (POST …/facts/): any of
    gestational_age_weeks, gestational_age_days, birth_weight_g, feeding,
    neurotoxicity_risk_factors, hyperbilirubinemia_risk_factors (codes)."""

    at_h: float
    changes: dict
    reason: str
    by: str = "community_doctor"
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FollowUp:
    """A clinician sets where the follow-up stands (POST …/follow-up-status/): active,
    in_hospital, under_phototherapy, back_home, completed, moved, died, declined."""

    at_h: float
    status: str
    reason: str
    by: str = "community_doctor"
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ClosePlanRequest:
    """A clinician closes the plan's open request of this kind (tsb, confirm) with a reason
    (POST …/plan/{id}/close/)."""

    at_h: float
    kind: str
    reason: str
    by: str = "community_doctor"
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """The mother asks the centre's doctors a question in the app (POST …/questions/)."""

    at_h: float
    text: str
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Acknowledge:
    """The community doctor acknowledges the infant's open alert."""

    at_h: float
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Wait:
    """Time passes to `until_h`: the periodic tasks run (reminders, escalation). With twins,
    the book shows the twin's record after it when `twin` is set."""

    until_h: float
    twin: bool = False
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    why: str  # what a reviewer should look at
    infant: Infant
    steps: tuple
    family: str = "term"
