"""The vocabulary of the scenario book: an infant, and what happens to it, step by step.

Every time is an age in hours after birth; `late_h` is how long after that moment the record
reaches NeoCare (a phone offline, a lab result typed in later). Values are what was sent, in the
unit sent. Each scenario may state what it expects at a step (`expect`): the replay asserts it,
and the book records everything else as it happened.
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
    """The receiving hospital's paediatrician records phototherapy on the referral."""

    start_h: float
    stop_h: float | None
    at_h: float  # when it is recorded
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
class Wait:
    """Time passes to `until_h`: the periodic tasks run (reminders, escalation)."""

    until_h: float
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    why: str  # what a reviewer should look at
    infant: Infant
    steps: tuple
    family: str = "term"
