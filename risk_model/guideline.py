"""The guideline engine: one assessment of an infant at one moment, from the AAP 2022 thresholds,
the urgent signs of DOMAIN.md and the programme's policies. Pure Python; Django passes plain
facts in and stores what comes out.

Every number used here comes from `risk_model/data/`, DOMAIN.md or `risk_model/policy.py`, cited
where it is used. When the guideline does not apply (below 35 weeks, unknown gestational age or
birth time, beyond the neonatal period) no threshold is made up: the assessment says so and asks
for a clinician.

Evidence order (docs/clinical-rules.md § "Evidence order"): lab TSB > meter TcB > photo estimate >
visual estimate, newer over older within a kind. The action and the next measurement rest on the
newest plausible measurement (TSB or TcB); a weaker or older piece of evidence still in force may
raise the action or bring the next measurement forward, never lower or push back what a stronger
one set. Every assessment names when to measure next, or the clinician who decides.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from risk_model import reasons as R
from risk_model.policy import DEFAULT_POLICY, Policy
from risk_model.tables import (
    AAP_MAX_GA_WEEKS,
    AAP_MIN_GA_WEEKS,
    Kind,
    Zone,
    aap_row,
    aap_threshold_mg_dl,
    bhutani_percentiles,
    bhutani_zone,
)
from risk_model.units import (
    Unit,
    as_unit,
    mg_dl_shown,
    threshold_umol_l_shown,
    to_mg_dl,
    umol_l_shown,
)

GUIDELINE_VERSION = "AAP-2022/neocare-engine-2"

# DOMAIN.md: escalation of care begins at the exchange threshold minus 2 mg/dL
# (consensus of implementations).
ESCALATION_BELOW_EXCHANGE_MG_DL = 2.0
# DOMAIN.md: TcB must be confirmed by TSB at/above the phototherapy threshold, within 3 mg/dL of
# it, or at/above 15 mg/dL.
TCB_CONFIRM_WITHIN_MG_DL = Decimal("3.0")
TCB_CONFIRM_AT_OR_ABOVE_MG_DL = Decimal("15.0")
# DOMAIN.md: rapid rise suggests haemolysis: ≥ 0.3 mg/dL/h in the first 24 h, ≥ 0.2 afterwards.
RAPID_RISE_FIRST_DAY_MG_DL_PER_H = 0.3
RAPID_RISE_LATER_MG_DL_PER_H = 0.2
# Two meter readings minutes apart differ by the meter's noise, not by the infant's rise; a rate
# is computed only against a measurement at least this long before. (Engineering choice, not a
# guideline number; see docs/clinical-rules.md.)
RAPID_RISE_MIN_INTERVAL_HOURS = 1.0
# DOMAIN.md: weight loss above 10 % of birth weight suggests suboptimal intake.
WEIGHT_LOSS_MAX_FRACTION = 0.10
# DOMAIN.md: prolonged jaundice: still jaundiced at 2 weeks (formula-fed) or 3 weeks (breastfed).
PROLONGED_FORMULA_HOURS = 14 * 24
PROLONGED_BREASTFED_HOURS = 21 * 24
FIRST_DAY_HOURS = 24
# DOMAIN.md: jaundice in the first 24 hours or a rapid rise: serum bilirubin "within hours",
# expressed as the follow-up table's shortest TSB window.
WITHIN_HOURS_WINDOW = (4, 8)
# DOMAIN.md: Δ bands change at 72 hours for the follow-up rule.
FOLLOW_UP_AGE_SPLIT_HOURS = 72
# Readings are accepted for the neonatal period (28 days); beyond it the guideline does not apply.
NEONATAL_PERIOD_HOURS = 28 * 24
# DOMAIN.md rebound risk factors after phototherapy: gestational age < 38 weeks, phototherapy
# started before 48 hours, haemolysis.
REBOUND_GA_BELOW_WEEKS = 38
REBOUND_STARTED_BEFORE_HOURS = 48
HAEMOLYSIS_FACTORS = frozenset(
    {"isoimmune_haemolysis", "g6pd_deficiency", "other_haemolysis", "haemolysis"}
)


class Action(IntEnum):
    """The ordered scale: a higher value is more urgent."""

    ROUTINE = 1
    REPEAT_SOONER = 2
    DOCTOR_REVIEW = 3
    URGENT_REFERRAL = 4
    EMERGENCY = 5

    @property
    def code(self) -> str:
        return self.name.lower()


class Method(StrEnum):
    TCB = "tcb"  # transcutaneous, home meter or clinic
    TSB = "tsb"  # total serum bilirubin, laboratory
    VISUAL = "visual"  # a person's estimate from skin colour


class Evidence(IntEnum):
    """Kinds of evidence about the bilirubin, weakest first (the evidence order)."""

    VISUAL = 1
    PHOTO = 2
    TCB = 3
    TSB = 4


# The evidence order's kind of each method (a photo is not a reading: PhotoFacts).
EVIDENCE_OF_METHOD = {
    Method.TSB: Evidence.TSB,
    Method.TCB: Evidence.TCB,
    Method.VISUAL: Evidence.VISUAL,
}


class Feeding(StrEnum):
    EXCLUSIVE_BREASTFEEDING = "exclusive_breastfeeding"
    MIXED = "mixed"
    FORMULA = "formula"


@dataclass(frozen=True)
class ClinicianThresholds:
    """Thresholds a paediatrician or district doctor set for an infant the guideline does not
    cover (below 35 weeks, gestational age unknown). The engine applies AAP's Δ table to them."""

    phototherapy_mg_dl: float
    exchange_mg_dl: float | None = None
    # The clinician's own numbers as sent, {"phototherapy": [value, unit], "exchange": …}:
    # texts echo them, so the clinician reads the number they typed.
    as_sent: dict | None = None


@dataclass(frozen=True)
class PhototherapyFacts:
    """One course of phototherapy, in hours of age; `stopped_age_hours` None while it runs."""

    started_age_hours: float
    stopped_age_hours: float | None = None
    # No end was recorded: `stopped_age_hours` is when the infant was evidently home (a home
    # reading) or the programme's longest course ran out (Policy.phototherapy_unclosed_after_
    # hours); the hospital is asked to record the real end.
    unclosed: bool = False


@dataclass(frozen=True)
class InfantFacts:
    gestational_age_weeks: int | None
    gestational_age_days: int | None = 0
    birth_weight_g: int | None = None
    # True/False when assessed; None when not assessed (the lower, with-risk curves are used).
    neurotoxicity_risk: bool | None = None
    feeding: str | None = None
    # The recorded factors themselves (codes of neocare.infants.models), for the risk model:
    # None = neurotoxicity factors not assessed.
    neurotoxicity_factors: tuple[str, ...] | None = None
    hyperbilirubinemia_factors: tuple[str, ...] = ()
    clinician_thresholds: ClinicianThresholds | None = None
    phototherapy: tuple[PhototherapyFacts, ...] = ()
    # Since when (age, hours) the infant has been sent to hospital and no hospital has yet
    # received it (an open referral, or an open alert at urgent referral or above): until a
    # clinician closes it, no assessment tells the parents that no visit is needed.
    hospital_visit_pending_since_age_hours: float | None = None
    # The action that sent it there (urgent referral or emergency): it stands until then.
    hospital_visit_pending_action: int | None = None
    # The follow-up plan's requests still open at the moment assessed (neocare.followup): each
    # holds its level and due time until the evidence it asked for, or a clinician, answers it.
    open_requests: tuple["RequestFacts", ...] = ()
    # A clinician closed the plan's blood-test request raised at this age (hours): what asked
    # for a TSB on evidence up to then is answered by that decision.
    tsb_closed_through_age_hours: float | None = None
    # When a doctor last acted on the infant's alert (resolved it): a pale stool reported
    # since counts until then, whatever normal stool follows (issue #26.11).
    doctor_acted_age_hours: float | None = None
    # When a hospital last sent the infant home without phototherapy (a referral treated
    # otherwise, or closed): what was measured, estimated and reported before then was answered
    # there, as phototherapy answers what was measured before it.
    hospital_seen_age_hours: float | None = None


@dataclass(frozen=True)
class RequestFacts:
    """One open request of the infant's follow-up plan, as the engine needs it.

    - kind "tsb": a serum bilirubin asked for (first day, rapid rise, a TcB to confirm, a gap
      under 2 mg/dL); only a TSB answers it, never a meter reading.
    - kind "confirm": a doubtful value (`detail` is its reading summary) that is acted on until
      a TSB settles it or a repeat of the same kind confirms it.
    """

    kind: str
    action: int  # the level it holds (Action)
    raised_age_hours: float
    # The due window (ages, hours); None when the hospital measures now.
    due_window_age_hours: tuple[float, float] | None
    # The codes of the signals that asked for it (first_24_hours, rapid_rise, …).
    reasons: tuple[str, ...] = ()
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReadingFacts:
    age_hours: float | None  # None when the birth time is unknown
    value: float
    unit: Unit | str
    method: Method | str
    # A stored reading's plausibility verdict (None: plausible; else why it needs confirming).
    # The engine judges the reading it is assessing itself; earlier ones keep their verdict.
    needs_confirmation: str | None = None

    @property
    def value_mg_dl(self) -> float:
        return to_mg_dl(self.value, self.unit)

    @property
    def shown_mg_dl(self) -> Decimal:
        return mg_dl_shown(self.value_mg_dl)

    @property
    def evidence(self) -> Evidence:
        # Keyed by Method, so a plain "tcb" is found too; anything else is refused by Method().
        try:
            return EVIDENCE_OF_METHOD[self.method]
        except (KeyError, TypeError):
            return EVIDENCE_OF_METHOD[Method(self.method)]

    @property
    def is_measurement(self) -> bool:
        return self.evidence >= Evidence.TCB


@dataclass(frozen=True)
class ObservationFacts:
    age_hours: float
    stool_pale: bool | None = None
    poor_feeding: bool | None = None
    lethargy: bool | None = None
    high_pitched_cry: bool | None = None
    arching: bool | None = None
    weight_g: int | None = None
    # Beyond DOMAIN.md's four: signs the programme treats as an emergency (policy).
    seizures: bool | None = None
    blue_colour: bool | None = None
    dark_urine: bool | None = None


@dataclass(frozen=True)
class PhotoFacts:
    """A skin photo's bilirubin estimate with its band (mg/dL): screening, not a measurement."""

    age_hours: float | None
    estimate_mg_dl: float
    low_mg_dl: float | None = None
    high_mg_dl: float | None = None


@dataclass
class Thresholds:
    applies: bool
    reason: str | None = None
    phototherapy_mg_dl: float | None = None
    escalation_mg_dl: float | None = None
    exchange_mg_dl: float | None = None
    ga_weeks_row: int | None = None
    neurotoxicity_curves: bool | None = None
    # "aap2022", or "clinician" when a clinician set them for an infant outside the guideline.
    source: str | None = None
    # A clinician's thresholds as they were sent (ClinicianThresholds.as_sent).
    as_sent: dict | None = None


@dataclass
class Signal:
    code: str
    action_floor: Action
    detail: dict = field(default_factory=dict)
    # What it asks: a measurement between these ages (hours), or nothing; and of what kind:
    # "measurement" (a meter or a blood test), "tsb" (a blood test) or "prolonged_check" (see a
    # doctor then if the baby is still yellow).
    due_window_age_hours: tuple[float, float] | None = None
    asks: str = "measurement"


@dataclass
class Assessment:
    action: Action
    guideline_applies: bool
    thresholds: Thresholds
    # The moment assessed (age in hours) and what prompted it.
    basis_age_hours: float | None = None
    trigger: dict | None = None
    # The measurement the action rests on (the newest plausible TSB or TcB), and its numbers as
    # shown: mg/dL to 0.1, µmol/L whole; the gap is the difference of the numbers shown.
    measurement: dict | None = None
    value_mg_dl: float | None = None
    value_umol_l: int | None = None
    gap_mg_dl: float | None = None
    gap_umol_l: int | None = None
    gap_in_reading_unit: float | None = None
    zone: Zone | None = None
    signals: list[Signal] = field(default_factory=list)
    # When to measure next: by this age (hours), within this window from the basis; None only
    # when a clinician decides (hospital now, under treatment).
    next_measurement_due_age_hours: float | None = None
    next_measurement_hours: float | None = None
    next_measurement_window_hours: tuple[float, float] | None = None
    # What the next measurement is: "measurement" (meter or blood test), "tsb" (a blood test)
    # or "prolonged_check" (see the doctor for a blood test then, if still yellow).
    next_measurement_kind: str | None = None
    # Who decides when no time is named: "hospital" (referral, emergency) or "treating_team".
    decided_by: str | None = None
    reasons: list[dict] = field(default_factory=list)
    # One message for the parents, in both languages: the action and what drove it.
    advice: dict = field(default_factory=dict)
    guideline_version: str = GUIDELINE_VERSION
    # The risk model's view (risk_model.serving.Prediction.to_dict()), None when not asked.
    risk_model: dict | None = None

    def to_dict(self) -> dict:
        """The stable JSON shape (CLI, API, stored history): every field in order, as
        `dataclasses.asdict` gave it (see `_plain_copy`)."""
        data = {
            # The signals are written below (their place in the order kept).
            f.name: None if f.name == "signals" else _plain_copy(getattr(self, f.name))
            for f in fields(self)
        }
        data["action"] = self.action.code
        data["action_level"] = int(self.action)
        data["zone"] = self.zone.value if self.zone else None
        data["signals"] = [
            {"code": s.code, "action_floor": s.action_floor.code, **_plain(s.detail)}
            for s in self.signals
        ]
        window = self.next_measurement_window_hours
        data["next_measurement_window_hours"] = list(window) if window else None
        return data


_ATOMS = (str, float, int, bool, type(None))


def _plain_copy(value):
    """What `dataclasses.asdict` makes of a value: dicts, lists and tuples rebuilt all the way
    down, a dataclass as the dict of its fields. Anything else (strings, numbers, None, enums,
    Decimals) is kept as it is: asdict's deep copy of those gives the same object or an equal
    one, at a cost that exceeded the whole assessment's."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {k: _plain_copy(v) for k, v in value.items()}
    if kind is list:
        return [_plain_copy(v) for v in value]
    if kind is tuple:
        return tuple(_plain_copy(v) for v in value)
    if is_dataclass(kind):
        return {f.name: _plain_copy(getattr(value, f.name)) for f in fields(value)}
    return value


def _plain(detail: dict) -> dict:
    """A signal's detail as JSON: the decisive Decimals (numbers as shown) become floats."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in detail.items()}


def round_tenth(value: float) -> float:
    """mg/dL to 0.1, half away from zero (DOMAIN.md: Δ rounded to 0.1)."""
    return float(mg_dl_shown(value))


def thresholds(
    *,
    ga_weeks: int | None,
    age_hours: float | None,
    neurotoxicity_risk: bool | None,
    clinician: ClinicianThresholds | None = None,
) -> Thresholds:
    """AAP 2022 thresholds at an age, or why the guideline does not apply.

    `neurotoxicity_risk=None` (not assessed) uses the with-risk curves: they are never higher,
    so the unknown can only make the advice more cautious, and the assessment says so. Outside
    the guideline's gestational ages, thresholds a clinician set for the infant are used instead.
    """
    reason = None
    if ga_weeks is None:
        reason = "gestational_age_missing"
    elif ga_weeks < AAP_MIN_GA_WEEKS:
        reason = "below_35_weeks"
    elif age_hours is None:
        reason = "birth_time_missing"
    if age_hours is not None and age_hours < 0:
        reason = "measured_before_birth"
    elif age_hours is not None and age_hours > NEONATAL_PERIOD_HOURS:
        reason = "beyond_neonatal_period"
    if reason in ("gestational_age_missing", "below_35_weeks") and clinician is not None:
        if age_hours is not None:
            exchange = clinician.exchange_mg_dl
            return Thresholds(
                applies=True,
                phototherapy_mg_dl=clinician.phototherapy_mg_dl,
                exchange_mg_dl=exchange,
                escalation_mg_dl=None
                if exchange is None
                else exchange - ESCALATION_BELOW_EXCHANGE_MG_DL,
                source="clinician",
                as_sent=clinician.as_sent,
            )
        reason = "birth_time_missing"
    if reason is not None:
        return Thresholds(applies=False, reason=reason)
    with_risk = neurotoxicity_risk is not False
    photo = aap_threshold_mg_dl(
        Kind.PHOTOTHERAPY, ga_weeks=ga_weeks, neurotoxicity_risk=with_risk, age_hours=age_hours
    )
    exchange = aap_threshold_mg_dl(
        Kind.EXCHANGE, ga_weeks=ga_weeks, neurotoxicity_risk=with_risk, age_hours=age_hours
    )
    return Thresholds(
        applies=True,
        phototherapy_mg_dl=photo,
        escalation_mg_dl=exchange - ESCALATION_BELOW_EXCHANGE_MG_DL,
        exchange_mg_dl=exchange,
        ga_weeks_row=min(ga_weeks, AAP_MAX_GA_WEEKS),
        neurotoxicity_curves=with_risk,
        source="aap2022",
    )


def _infant_thresholds(infant: InfantFacts, age_hours: float | None) -> Thresholds:
    return thresholds(
        ga_weeks=infant.gestational_age_weeks,
        age_hours=age_hours,
        neurotoxicity_risk=infant.neurotoxicity_risk,
        clinician=infant.clinician_thresholds,
    )


# --- Levels: one value against the thresholds, on the numbers shown ------------------------------
@dataclass
class Level:
    """A value (measurement or estimate) placed against the thresholds at its age."""

    action: Action
    code: str
    window: tuple[float, float] | None  # hours after the value
    gap_mg_dl: Decimal | None = None
    threshold_mg_dl: Decimal | None = None
    escalation_mg_dl: Decimal | None = None


def _shown(value: float | None) -> Decimal | None:
    return None if value is None else mg_dl_shown(value)


def _level(value_mg_dl: Decimal, age: float, th: Thresholds, policy: Policy) -> Level:
    """Escalation, phototherapy and DOMAIN.md's follow-up table (never treated), compared on the
    numbers shown: Δ = threshold to 0.1 − value to 0.1."""
    photo, escalation = _shown(th.phototherapy_mg_dl), _shown(th.escalation_mg_dl)
    gap = photo - value_mg_dl
    common = {"gap_mg_dl": gap, "threshold_mg_dl": photo, "escalation_mg_dl": escalation}
    if escalation is not None and value_mg_dl >= escalation:
        return Level(Action.EMERGENCY, "at_or_above_escalation", None, **common)
    action, window, code = _follow_up(gap, age, policy)
    return Level(action, code, window, **common)


def _follow_up(
    gap_mg_dl: Decimal, age_hours: float, policy: Policy
) -> tuple[Action, tuple[float, float] | None, str]:
    """DOMAIN.md follow-up table for infants never treated with phototherapy.

    Returns the action, the window for the next measurement in hours, and the reason code. At
    ≥ 72 h with Δ ≥ 5.5 AAP leaves follow-up to clinical judgement: the programme's policy
    window applies (the caller decides whether monitoring may end).
    """
    first_day = age_hours < FIRST_DAY_HOURS
    before_72h = age_hours < FOLLOW_UP_AGE_SPLIT_HOURS
    if gap_mg_dl <= 0:
        return Action.URGENT_REFERRAL, None, "at_or_above_phototherapy"
    if gap_mg_dl < 2:  # 0.1–1.9: TSB in 4–8 h (< 24 h) or 4–24 h
        return Action.DOCTOR_REVIEW, (4, 8) if first_day else (4, 24), "gap_under_2"
    if gap_mg_dl < Decimal("3.5"):  # 2.0–3.4: TcB or TSB in 4–24 h
        return Action.REPEAT_SOONER, (4, 24), "gap_2_to_3_4"
    if gap_mg_dl < Decimal("5.5"):  # 3.5–5.4: TcB or TSB in 1–2 days
        return Action.ROUTINE, (24, 48), "gap_3_5_to_5_4"
    if not before_72h:  # ≥ 72 h, Δ ≥ 5.5: clinical judgement → programme policy
        return Action.ROUTINE, policy.judgement_band_window_hours, "gap_wide_after_72h"
    if gap_mg_dl < 7:  # 5.5–6.9, < 72 h: follow-up within 2 days
        return Action.ROUTINE, (0, 48), "gap_5_5_to_6_9"
    return Action.ROUTINE, (0, 72), "gap_7_or_more"  # ≥ 7.0, < 72 h: within 3 days


def _needs_tsb(value_mg_dl: Decimal, gap_mg_dl: Decimal | None) -> bool:
    """DOMAIN.md: a TcB (and here any value that is not serum bilirubin) needs a TSB at or above
    the phototherapy threshold, within 3 mg/dL of it, or at or above 15 mg/dL."""
    near = gap_mg_dl is not None and gap_mg_dl <= TCB_CONFIRM_WITHIN_MG_DL
    return near or value_mg_dl >= TCB_CONFIRM_AT_OR_ABOVE_MG_DL


def _curve_maximum(infant: InfantFacts) -> tuple[float, float]:
    """Age-free bounds: the highest phototherapy and escalation thresholds of the curves this
    infant could be on. A value at or above them is above the threshold at any age."""
    with_risk = infant.neurotoxicity_risk is not False
    weeks = infant.gestational_age_weeks
    if weeks is None:  # any gestation: the highest curve of all
        rows = range(AAP_MIN_GA_WEEKS, AAP_MAX_GA_WEEKS + 1)
    else:  # below 35 weeks the 35-week curve is an upper bound (thresholds fall with gestation)
        rows = [max(weeks, AAP_MIN_GA_WEEKS)]
    photo = max(
        max(aap_row(Kind.PHOTOTHERAPY, ga_weeks=w, neurotoxicity_risk=with_risk)) for w in rows
    )
    exchange = max(
        max(aap_row(Kind.EXCHANGE, ga_weeks=w, neurotoxicity_risk=with_risk)) for w in rows
    )
    return photo, exchange - ESCALATION_BELOW_EXCHANGE_MG_DL


def _outside_guideline_level(infant: InfantFacts, value: Decimal, age: float | None) -> Level:
    """A lower bound on urgency when AAP 2022 does not apply (and no clinician set thresholds).

    Thresholds never rise as gestational age falls, so the 35-week with-risk curves are an
    upper bound for any more premature infant: a value at or above them is at least as urgent
    as it would be at 35 weeks. With the gestational age unknown the same lowest curves are used
    (caution until it is recorded). With the age unknown, the highest threshold of the curves at
    any age is the bound. No threshold is claimed for the infant itself.
    """
    if age is None:
        photo, escalation = _curve_maximum(infant)
    elif 0 <= age <= NEONATAL_PERIOD_HOURS:
        bound = thresholds(ga_weeks=AAP_MIN_GA_WEEKS, age_hours=age, neurotoxicity_risk=True)
        photo, escalation = bound.phototherapy_mg_dl, bound.escalation_mg_dl
    else:
        return Level(Action.DOCTOR_REVIEW, "outside", None)
    photo_s, escalation_s = mg_dl_shown(photo), mg_dl_shown(escalation)
    common = {"threshold_mg_dl": photo_s, "escalation_mg_dl": escalation_s}
    if value >= escalation_s:
        return Level(Action.EMERGENCY, "bound_escalation", None, **common)
    if value >= photo_s:
        return Level(Action.URGENT_REFERRAL, "bound_phototherapy", None, **common)
    return Level(Action.DOCTOR_REVIEW, "bound_below", None, **common)


# --- Plausibility --------------------------------------------------------------------------------
def plausibility(
    reading: ReadingFacts,
    previous: Sequence[ReadingFacts],
    policy: Policy = DEFAULT_POLICY,
    *,
    treated_from_age_hours: float | None = None,
) -> str | None:
    """Why a new reading needs confirming before it may lower anything, or None.

    - `unit_suspect`: sent in µmol/L but within the range of mg/dL numbers after the first day.
    - `implausible_fall` / `implausible_rise`: further from the latest plausible measurement of
      the same or a stronger kind than meter error plus a biological rate allow. Falls have
      their own, slower rate: untreated bilirubin falls far more slowly than it can rise.
    A value that agrees, within `confirm_tolerance_mg_dl`, with a doubtful value of the same
    kind measured since that latest plausible one confirms it: it is plausible. A doubtful
    value is never the reference another is judged against. Measurements before the latest
    phototherapy began (`treated_from_age_hours`) are not compared: treatment lowers bilirubin.
    Thresholds are policies (risk_model/policy.py) with their rationale.
    """
    age = reading.age_hours
    if age is None:
        return None
    unit_suspect = (
        as_unit(reading.unit) is Unit.UMOL_L
        and reading.value <= policy.unit_suspect_max_umol_l
        and age >= policy.unit_suspect_from_age_hours
    )
    since = -math.inf if treated_from_age_hours is None else treated_from_age_hours
    if reading.is_measurement:
        earlier = [
            p
            for p in previous
            if p.is_measurement
            and p.evidence >= reading.evidence
            and p.age_hours is not None
            and since <= p.age_hours <= age
        ]
        comparable = [p for p in earlier if p.needs_confirmation is None]
        if comparable:
            last = max(comparable, key=lambda p: p.age_hours)
            if _confirms_doubtful(reading, earlier, last, policy):
                return None
            verdict = _change_verdict(reading.value_mg_dl, age, last, policy)
            # A number that, read as the other unit, is no longer a jump is a unit mistake.
            if verdict and unit_suspect and not _change_verdict(reading.value, age, last, policy):
                return "unit_suspect"
            if verdict:
                return verdict
    return "unit_suspect" if unit_suspect else None


def _change_verdict(
    value_mg_dl: float, age: float, last: ReadingFacts, policy: Policy
) -> str | None:
    """A change from the latest plausible measurement beyond meter error plus a biological
    rate (falls have their own, slower rate), or None."""
    change = value_mg_dl - last.value_mg_dl
    rate = (
        policy.implausible_fall_rate_mg_dl_per_hour
        if change < 0
        else policy.implausible_rate_mg_dl_per_hour
    )
    if abs(change) > policy.implausible_allowance_mg_dl + rate * (age - last.age_hours):
        return "implausible_fall" if change < 0 else "implausible_rise"
    return None


def _confirms_doubtful(
    reading: ReadingFacts, earlier: Sequence[ReadingFacts], last: ReadingFacts, policy: Policy
) -> bool:
    """Whether `reading` repeats a doubtful value of its own kind measured after the latest
    plausible one, within the confirmation tolerance: the repeat confirms it."""
    return any(
        p.needs_confirmation in ("implausible_rise", "implausible_fall")
        and p.evidence is reading.evidence
        and p.age_hours >= last.age_hours
        and abs(p.value_mg_dl - reading.value_mg_dl) <= policy.confirm_tolerance_mg_dl
        for p in earlier
    )


# --- Observations --------------------------------------------------------------------------------
DANGER_SIGNS = ("poor_feeding", "lethargy", "high_pitched_cry", "arching")
# Signs the parents may report that DOMAIN.md does not list; an emergency when the programme's
# policy names them (Policy.emergency_signs_beyond_guideline).
OTHER_EMERGENCY_SIGNS = ("seizures", "blue_colour")
# Every sign a parent may report (the Observation fields of the same names).
REPORTED_SIGNS = (*DANGER_SIGNS, *OTHER_EMERGENCY_SIGNS)


def _latest_reports(observations: Sequence[ObservationFacts], names: Sequence[str]) -> dict:
    """The most recent report of each sign, with its age (a later "no" clears an earlier "yes")."""
    latest: dict = {}
    for observation in sorted(observations, key=lambda o: o.age_hours):
        for name in names:
            value = getattr(observation, name)
            if value is not None:
                latest[name] = (value, observation.age_hours)
    return latest


def _observation_signals(
    infant: InfantFacts, observations: Sequence[ObservationFacts], at: float, policy: Policy
) -> list[Signal]:
    signals = []
    reports = _latest_reports(
        [o for o in observations if o.age_hours <= at],
        ("stool_pale", "dark_urine", "weight_g", *DANGER_SIGNS, *OTHER_EMERGENCY_SIGNS),
    )

    seen = infant.hospital_seen_age_hours

    def reported(names) -> list[str]:
        # A sign reported before a hospital examined the infant was answered there.
        return [
            name
            for name in names
            if name in reports
            and reports[name][0]
            and at - reports[name][1] <= policy.danger_signs_valid_hours
            and (seen is None or reports[name][1] > seen)
        ]

    # DOMAIN.md: possible biliary atresia: refer within days. A pale stool counts until a
    # doctor has acted on it; only after that does a normal stool clear it (one normal card
    # before any doctor looked does not).
    acted = infant.doctor_acted_age_hours
    pale_since = [
        o.age_hours
        for o in observations
        if o.stool_pale and o.age_hours <= at and (acted is None or o.age_hours > acted)
    ]
    pale = reports.get("stool_pale")
    if pale_since or (pale and pale[0]):
        age = max(pale_since) if pale_since else pale[1]
        signals.append(Signal("pale_stool", Action.DOCTOR_REVIEW, {"age_hours": round(age, 1)}))
    dark = reports.get("dark_urine")
    if dark and dark[0]:
        # DOMAIN.md: pale stools or dark urine, possible biliary atresia. Until a later "no".
        signals.append(Signal("dark_urine", Action.DOCTOR_REVIEW, {"age_hours": round(dark[1], 1)}))
    danger = reported(DANGER_SIGNS)
    if danger:
        # DOMAIN.md: possible acute bilirubin encephalopathy, an emergency whatever the number.
        signals.append(
            Signal(
                "encephalopathy_signs",
                Action.EMERGENCY,
                {"signs": danger, "age_hours": round(max(reports[n][1] for n in danger), 1)},
            )
        )
    other = reported(policy.emergency_signs_beyond_guideline)
    # A sign the programme's policy does not name still asks for the doctor, never nothing.
    unnamed = [s for s in reported(OTHER_EMERGENCY_SIGNS) if s not in other]
    if unnamed:
        signals.append(
            Signal(
                "reported_sign_review",
                Action.DOCTOR_REVIEW,
                {"signs": unnamed, "age_hours": round(max(reports[n][1] for n in unnamed), 1)},
            )
        )
    if other:
        # Programme policy, not DOMAIN.md: seizures (also a sign of advanced bilirubin
        # encephalopathy) and a blue colour send the baby to the emergency department.
        signals.append(
            Signal(
                "reported_emergency",
                Action.EMERGENCY,
                {"signs": other, "age_hours": round(max(reports[n][1] for n in other), 1)},
            )
        )
    weight = reports.get("weight_g")
    if weight is not None and infant.birth_weight_g and at - weight[1] <= policy.weight_valid_hours:
        loss = (infant.birth_weight_g - weight[0]) / infant.birth_weight_g
        if loss > WEIGHT_LOSS_MAX_FRACTION:
            window = policy.weight_loss_window_hours
            signals.append(
                Signal(
                    "weight_loss",
                    Action.DOCTOR_REVIEW,
                    {"loss_percent": round(loss * 100, 1), "window_hours": window},
                    _window_after(weight[1], window),
                )
            )
    return signals


# --- Phototherapy --------------------------------------------------------------------------------
def _treatment_at(infant: InfantFacts, at: float) -> tuple[PhototherapyFacts | None, bool]:
    """The latest course started by `at`, and whether it is still running then."""
    started = [p for p in infant.phototherapy if p.started_age_hours <= at]
    if not started:
        return None, False
    course = max(started, key=lambda p: p.started_age_hours)
    running = course.stopped_age_hours is None or course.stopped_age_hours > at
    return course, running


def rebound_risk(infant: InfantFacts, course: PhototherapyFacts) -> list[str]:
    """DOMAIN.md rebound risk factors present (consensus of implementations)."""
    factors = []
    weeks = infant.gestational_age_weeks
    if weeks is None or weeks < REBOUND_GA_BELOW_WEEKS:
        factors.append("gestation_below_38_weeks")
    if course.started_age_hours < REBOUND_STARTED_BEFORE_HOURS:
        factors.append("started_before_48_hours")
    recorded = {*(infant.neurotoxicity_factors or ()), *infant.hyperbilirubinemia_factors}
    if recorded & HAEMOLYSIS_FACTORS:
        factors.append("haemolysis")
    elif infant.neurotoxicity_factors is None:
        # Haemolysis not assessed (no DAT, no G6PD result recorded): counted as possible.
        factors.append("haemolysis_not_assessed")
    return factors


# --- The assessment ------------------------------------------------------------------------------
def _window_after(start_age: float, window: tuple[float, float]) -> tuple[float, float]:
    return (start_age + window[0], start_age + window[1])


@dataclass
class _Base:
    """What the measurement in force (or its absence) says, before any other signal."""

    code: str
    action: Action
    window: tuple[float, float] | None  # ages (hours)
    detail: dict = field(default_factory=dict)
    extra_codes: list[str] = field(default_factory=list)
    asks: str = "measurement"


def _reading_summary(r: ReadingFacts) -> dict:
    """A reading as people see it: both units as shown, its age, whether it is a measurement."""
    return {
        "kind": "reading",
        "method": Method(r.method).value,
        "is_measurement": r.is_measurement,
        "age_hours": None if r.age_hours is None else round(r.age_hours, 1),
        "value_mg_dl": float(r.shown_mg_dl),
        "value_umol_l": umol_l_shown(r.value, r.unit),
        "unit_sent": as_unit(r.unit).value,
        "needs_confirmation": r.needs_confirmation,
    }


def _falls_in_a_row(measurements: Sequence[ReadingFacts]) -> int:
    """How many times in a row the latest measurements have each fallen (numbers as shown)."""
    values = [m.shown_mg_dl for m in measurements]
    falls = 0
    for older, newer in reversed(list(zip(values, values[1:], strict=False))):
        if newer >= older:
            break
        falls += 1
    return falls


def _monitoring_end_day(infant: InfantFacts, policy: Policy) -> int:
    weeks = infant.gestational_age_weeks
    term = weeks is not None and weeks >= REBOUND_GA_BELOW_WEEKS
    return policy.monitoring_end_day_term if term else policy.monitoring_end_day_late_preterm


def prolonged_limit_hours(feeding, policy: Policy) -> int:
    """The age at which jaundice is prolonged. DOMAIN.md: 2 weeks formula-fed, 3 weeks
    breastfed; mixed feeding by programme policy."""
    if feeding == Feeding.EXCLUSIVE_BREASTFEEDING:
        return PROLONGED_BREASTFED_HOURS
    if feeding == Feeding.MIXED:
        return policy.prolonged_mixed_feeding_day * 24
    return PROLONGED_FORMULA_HOURS


def _prolonged_limit_hours(infant: InfantFacts, policy: Policy) -> int:
    return prolonged_limit_hours(infant.feeding, policy)


def _base(
    infant: InfantFacts,
    m: ReadingFacts | None,
    measurements: Sequence[ReadingFacts],
    th: Thresholds,
    origin: float,
    course: PhototherapyFacts | None,
    under_treatment: bool,
    policy: Policy,
) -> _Base:
    treating = {"started_age_hours": course.started_age_hours} if under_treatment else {}
    if m is None:
        if under_treatment:
            return _Base("under_phototherapy", Action.ROUTINE, None, treating)
        seen = infant.hospital_seen_age_hours
        if (
            seen is not None
            and seen <= origin
            and (course is None or seen >= course.stopped_age_hours)
        ):
            window = policy.no_measurement_window_hours
            return _Base(
                "after_hospital_visit",
                Action.REPEAT_SOONER,
                _window_after(origin, window),
                {"window_hours": window, "since_age_hours": seen},
            )
        if course is not None:  # stopped, nothing measured since
            risks = rebound_risk(infant, course)
            window = (
                policy.rebound_first_window_hours if risks else policy.rebound_next_day_window_hours
            )
            return _Base(
                "after_phototherapy_check",
                Action.ROUTINE,
                _window_after(course.stopped_age_hours, window),
                {
                    "stopped_age_hours": course.stopped_age_hours,
                    "rebound_risk": risks,
                    "window_hours": window,
                },
            )
        window = policy.no_measurement_window_hours
        return _Base(
            "no_reading",
            Action.REPEAT_SOONER,
            _window_after(origin, window),
            {"window_hours": window},
        )
    value, age = m.shown_mg_dl, m.age_hours
    anchor = origin if age is None else age
    if not th.applies:
        level = _outside_guideline_level(infant, value, age)
        window = policy.outside_guideline_window_hours
        detail = {"window_hours": window}
        extra = []
        if level.threshold_mg_dl is not None:
            extra = [level.code]
            detail.update(
                bound_mg_dl=level.threshold_mg_dl,
                bound_escalation_mg_dl=level.escalation_mg_dl,
                bound_any_age=age is None,
            )
        floor = max(level.action, Action.DOCTOR_REVIEW)
        return _Base(
            "outside_guideline_" + th.reason,
            floor,
            None if floor >= Action.URGENT_REFERRAL else _window_after(anchor, window),
            detail,
            extra,
        )
    level = _level(value, age, th, policy)
    if under_treatment and level.action < Action.EMERGENCY:
        return _Base("under_phototherapy", Action.ROUTINE, None, treating)
    detail = {"window_hours": level.window}
    code, window = level.code, level.window
    asks = "tsb" if code == "gap_under_2" else "measurement"
    if code in ("gap_5_5_to_6_9", "gap_7_or_more"):
        # Follow-up does not stretch past what the policy after 72 h allows (policy).
        latest = policy.before_72h_latest_due_age_hours - age
        if latest < window[1]:
            window = (window[0], max(latest, window[0]))
            detail.update(window_hours=window, capped_at_age_hours=age + window[1])
    if code == "gap_wide_after_72h":
        falls = _falls_in_a_row(measurements)
        ended_by_age = age >= _monitoring_end_day(infant, policy) * 24
        limit = _prolonged_limit_hours(infant, policy)
        # Monitoring never ends on a rise, whatever the age: the next measurement must show the
        # bilirubin is no longer climbing (issue #26.9).
        rising = len(measurements) >= 2 and m.shown_mg_dl > measurements[-2].shown_mg_dl
        ends = falls >= policy.judgement_band_falls_to_stop or ended_by_age
        if ended_by_age and rising:
            code = "still_rising_after_end_day"
        if ends and limit > age and not rising:
            code, asks = "monitoring_ends", "prolonged_check"
            window = (0, limit - age)
            detail.update(
                ended_by="age" if ended_by_age else "falls",
                limit_days=limit // 24,
                age_days=int(age // 24),
            )
        detail.update(
            falls=policy.judgement_band_falls_to_stop,
            end_day=_monitoring_end_day(infant, policy),
            window_hours=window,
        )
    window_ages = None if window is None else _window_after(age, window)
    return _Base(code, level.action, window_ages, detail, asks=asks)


def _open_tsb_advice(infant: InfantFacts, tsb: ReadingFacts, policy: Policy) -> list[Signal]:
    """A TSB whose own advice asked for another TSB (or more) is not answered by a TcB."""
    th = _infant_thresholds(infant, tsb.age_hours)
    if not th.applies:
        return []
    level = _level(tsb.shown_mg_dl, tsb.age_hours, th, policy)
    if level.action < Action.DOCTOR_REVIEW:
        return []
    window = None if level.window is None else _window_after(tsb.age_hours, level.window)
    detail = {
        f"tsb_{k}": v for k, v in _reading_summary(tsb).items() if k.startswith(("value", "age"))
    }
    detail["tsb_band"] = level.code
    return [Signal("tsb_advice_open", level.action, detail, window, asks="tsb")]


def _unconfirmed_signal(
    infant: InfantFacts, reading: ReadingFacts, origin: float, policy: Policy
) -> Signal:
    """An implausible value is kept and shown, may raise (it could be true), never lowers, and
    asks for the measurement again."""
    floor = Action.REPEAT_SOONER
    detail = {**_reading_summary(reading), "window_hours": policy.remeasure_window_hours}
    value = reading.shown_mg_dl
    if reading.needs_confirmation == "unit_suspect":
        # The number was probably meant in mg/dL: read so, it may raise (never lower).
        value = mg_dl_shown(reading.value)
        detail["read_as_mg_dl"] = float(value)
    if reading.is_measurement or reading.needs_confirmation == "unit_suspect":
        th = _infant_thresholds(infant, reading.age_hours)
        own = (
            _level(value, reading.age_hours, th, policy)
            if th.applies
            else _outside_guideline_level(infant, value, reading.age_hours)
        )
        floor = max(floor, own.action)
        if _needs_tsb(value, own.gap_mg_dl):
            floor = max(floor, Action.DOCTOR_REVIEW)
    # Whether the doubtful value itself is acted on (it raises), or only asks to measure again.
    detail["acted_on"] = floor > Action.REPEAT_SOONER
    window = (
        None
        if floor >= Action.URGENT_REFERRAL
        else _window_after(origin, policy.remeasure_window_hours)
    )
    return Signal("value_needs_confirmation", floor, detail, window)


def _estimate_signal(
    infant: InfantFacts,
    kind: Evidence,
    estimate_mg_dl: float,
    age: float,
    policy: Policy,
    detail: dict,
    high_mg_dl: float | None = None,
) -> Signal:
    """What a visual or photo estimate asks for: one rule for both (issue #12).

    The estimate is placed against the thresholds like a value: at/above escalation →
    emergency, at/above phototherapy → urgent referral, in the TcB confirmation zone → doctor
    review and a meter or lab value within the TSB window (4–8 h in the first day). A photo whose
    band's upper end alone reaches the zone → measure sooner, same window. Otherwise a visual
    estimate still asks for a measurement within 24 h (it never reassures); a photo is recorded.
    Outside the guideline there is nothing to compare with: a doctor reviews.
    """
    value = mg_dl_shown(estimate_mg_dl)
    th = _infant_thresholds(infant, age)
    confirm = (
        policy.tsb_confirm_window_first_day_hours
        if age < FIRST_DAY_HOURS
        else policy.tsb_confirm_window_hours
    )
    detail = {**detail, "estimate": kind.name.lower(), "window_hours": confirm}
    if not th.applies:
        level = _outside_guideline_level(infant, value, age)
        floor = max(level.action, Action.DOCTOR_REVIEW)
        window = None if floor >= Action.URGENT_REFERRAL else _window_after(age, confirm)
        return Signal("estimate_outside_guideline", floor, detail, window)
    level = _level(value, age, th, policy)
    detail.update(
        threshold_mg_dl=level.threshold_mg_dl,
        escalation_mg_dl=level.escalation_mg_dl,
        gap_mg_dl=level.gap_mg_dl,
        line="escalation" if level.action is Action.EMERGENCY else "phototherapy",
    )
    if level.action >= Action.URGENT_REFERRAL:
        return Signal("estimate_at_or_above", level.action, detail, None)
    if _needs_tsb(value, level.gap_mg_dl):
        return Signal("estimate_high", Action.DOCTOR_REVIEW, detail, _window_after(age, confirm))
    if high_mg_dl is not None:
        high = mg_dl_shown(high_mg_dl)
        if _needs_tsb(high, level.threshold_mg_dl - high):
            return Signal(
                "estimate_uncertain", Action.REPEAT_SOONER, detail, _window_after(age, confirm)
            )
    if kind is Evidence.VISUAL:
        detail["window_hours"] = policy.visual_window_hours
        return Signal(
            "visual_estimate",
            Action.REPEAT_SOONER,
            detail,
            _window_after(age, policy.visual_window_hours),
        )
    return Signal("photo_estimate", Action.ROUTINE, detail)


def _estimate_signals(
    infant: InfantFacts,
    readings: Sequence[ReadingFacts],
    photos: Sequence[PhotoFacts],
    after_age: float,
    basis: float,
    policy: Policy,
) -> tuple[list[Signal], list[float]]:
    """Every visual and photo estimate that came after `after_age` (the measurement in force, or
    the end of phototherapy) and has not expired. Estimates only ever raise: a newer, lower one
    does not cancel an earlier, higher one (only a measurement answers an estimate), and a visual
    estimate never answers a photo."""

    def current(age: float | None) -> bool:
        return age is not None and age > after_age and basis - age <= policy.estimate_valid_hours

    signals, ages = [], []
    visuals = [
        r
        for r in readings
        if r.evidence is Evidence.VISUAL and r.needs_confirmation is None and current(r.age_hours)
    ]
    for v in visuals:
        ages.append(v.age_hours)
        signals.append(
            _estimate_signal(
                infant, Evidence.VISUAL, v.value_mg_dl, v.age_hours, policy, _reading_summary(v)
            )
        )
    for p in sorted((p for p in photos if current(p.age_hours)), key=lambda p: p.age_hours):
        ages.append(p.age_hours)
        summary = {
            "kind": "photo",
            "is_measurement": False,
            "age_hours": round(p.age_hours, 1),
            "value_mg_dl": float(mg_dl_shown(p.estimate_mg_dl)),
            "value_umol_l": umol_l_shown(p.estimate_mg_dl, Unit.MG_DL),
            "low_mg_dl": None if p.low_mg_dl is None else float(mg_dl_shown(p.low_mg_dl)),
            "high_mg_dl": None if p.high_mg_dl is None else float(mg_dl_shown(p.high_mg_dl)),
        }
        signals.append(
            _estimate_signal(
                infant, Evidence.PHOTO, p.estimate_mg_dl, p.age_hours, policy, summary, p.high_mg_dl
            )
        )
    return signals, ages


def _measurement_signals(
    infant: InfantFacts,
    m: ReadingFacts,
    measurements: Sequence[ReadingFacts],
    th: Thresholds,
    course: PhototherapyFacts | None,
    policy: Policy,
) -> list[Signal]:
    """What the measurement in force says beyond its level: the TSB it needs, a rapid rise, the
    day after phototherapy."""
    signals = []
    age = m.age_hours
    if m.evidence is Evidence.TCB:
        gap = None
        if th.applies:
            gap = mg_dl_shown(th.phototherapy_mg_dl) - m.shown_mg_dl
        elif age is not None:
            # No threshold of its own (< 35 weeks): the bound quoted for comparison is the only
            # line, and a TcB near it needs serum as near a threshold would (issue #26.12).
            bound = _outside_guideline_level(infant, m.shown_mg_dl, age)
            if bound.threshold_mg_dl is not None:
                gap = bound.threshold_mg_dl - m.shown_mg_dl
        if _needs_tsb(m.shown_mg_dl, gap):
            first_day = age is not None and age < FIRST_DAY_HOURS
            window = (
                policy.tsb_confirm_window_first_day_hours
                if first_day
                else policy.tsb_confirm_window_hours
            )
            signals.append(
                Signal(
                    "confirm_with_tsb",
                    Action.DOCTOR_REVIEW,
                    {"window_hours": window},
                    None if age is None else _window_after(age, window),
                    asks="tsb",
                )
            )
    if age is None:
        return signals
    # A rate only between comparable measurements: TSB with TSB, TcB with TcB (a meter reads
    # differently from the laboratory, and an estimate is no measurement at all).
    earlier = [
        p
        for p in measurements
        if p is not m
        and p.evidence is m.evidence
        and p.age_hours is not None
        and age - p.age_hours >= RAPID_RISE_MIN_INTERVAL_HOURS
    ]
    if earlier:
        last = earlier[-1]
        rate = (m.value_mg_dl - last.value_mg_dl) / (age - last.age_hours)
        limit = (
            RAPID_RISE_FIRST_DAY_MG_DL_PER_H
            if age < FIRST_DAY_HOURS
            else RAPID_RISE_LATER_MG_DL_PER_H
        )
        if round(rate, 2) >= limit:
            signals.append(
                Signal(
                    "rapid_rise",
                    Action.DOCTOR_REVIEW,
                    {
                        "rate_mg_dl_per_hour": round(rate, 2),
                        "limit_mg_dl_per_hour": limit,
                        "over_hours": round(age - last.age_hours, 1),
                        "window_hours": WITHIN_HOURS_WINDOW,
                    },
                    _window_after(age, WITHIN_HOURS_WINDOW),
                    asks="tsb",
                )
            )
    if course is not None and course.stopped_age_hours is not None:
        stopped = course.stopped_age_hours
        window = policy.rebound_next_day_window_hours
        if age < stopped + window[0]:  # the next day's measurement is still to come
            signals.append(
                Signal(
                    "after_phototherapy_next_day",
                    Action.ROUTINE,
                    {"stopped_age_hours": stopped, "window_hours": window},
                    _window_after(stopped, window),
                )
            )
    return signals


def _evidence_age(signal: Signal, m: ReadingFacts | None) -> float:
    """The age of the evidence a signal that asks for a TSB rests on."""
    detail = signal.detail
    if signal.code == "first_24_hours":
        return detail["age_hours"]
    if signal.code == "tsb_advice_open":
        return detail["tsb_age_hours"]
    if signal.code == "request_tsb":
        return detail["raised_age_hours"]
    return math.inf if m is None or m.age_hours is None else m.age_hours


def _treatment_began(infant: InfantFacts, age: float | None) -> float | None:
    """When the latest course of phototherapy begun by `age` began (hours), or None."""
    if age is None:
        return None
    starts = [c.started_age_hours for c in infant.phototherapy if c.started_age_hours <= age]
    return max(starts) if starts else None


def _request_signals(requests: Sequence[RequestFacts]) -> list[Signal]:
    """What the follow-up plan still asks (docs/clinical-rules.md § "The follow-up plan"): a
    blood test that only a TSB answers, a doubtful value acted on until it is settled. Each
    holds its level and due time; it never lowers anything."""
    signals = []
    for request in requests:
        window = request.due_window_age_hours
        if request.kind == "tsb":
            detail = {
                "raised_age_hours": round(request.raised_age_hours, 1),
                "asked_for": list(request.reasons),
            }
            signals.append(
                Signal("request_tsb", Action(request.action), detail, window, asks="tsb")
            )
        elif request.kind == "confirm":
            signals.append(
                Signal("value_unconfirmed", Action(request.action), dict(request.detail), window)
            )
    return signals


def _first_day_signal(ages: Sequence[float], measurements: Sequence[ReadingFacts]) -> list[Signal]:
    """DOMAIN.md: jaundice noticed in the first 24 hours (a measurement or an estimate in force
    made then): TSB urgently, within hours. A TSB made since answers the "within hours"; the
    doctor still reviews (jaundice on day one is a risk factor)."""
    first_day = [a for a in ages if a is not None and a < FIRST_DAY_HOURS]
    if not first_day:
        return []
    age = min(first_day)  # the earliest sets the soonest time; a later one never delays it
    tsb_done = any(
        m.evidence is Evidence.TSB and m.age_hours is not None and m.age_hours >= age
        for m in measurements
    )
    detail = {"age_hours": round(age, 1), "window_hours": WITHIN_HOURS_WINDOW, "tsb_done": tsb_done}
    window = None if tsb_done else _window_after(age, WITHIN_HOURS_WINDOW)
    return [Signal("first_24_hours", Action.DOCTOR_REVIEW, detail, window, asks="tsb")]


def assess(
    infant: InfantFacts,
    reading: ReadingFacts | None,
    previous: Sequence[ReadingFacts] = (),
    observations: Sequence[ObservationFacts] = (),
    photos: Sequence[PhotoFacts] = (),
    *,
    at_age_hours: float | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Assessment:
    """Assess the infant at one moment.

    `reading` is the newest reading at that moment (None if there is none); `previous` are the
    earlier readings, `observations` and `photos` (estimates of usable skin photos) those up to
    the moment; nothing later may be passed in. The moment is the reading's age unless
    `at_age_hours` says otherwise (an observation, a photo or a treatment prompted it). A reading
    assessed at its own moment is judged for plausibility here; earlier ones keep their verdict.
    """
    triggered = reading is not None and at_age_hours is None
    basis = at_age_hours if at_age_hours is not None else (reading.age_hours if reading else None)
    if triggered and reading.needs_confirmation is None:
        began = _treatment_began(infant, reading.age_hours)
        verdict = plausibility(reading, previous, policy, treated_from_age_hours=began)
        if verdict is not None:
            reading = ReadingFacts(
                reading.age_hours, reading.value, reading.unit, reading.method, verdict
            )
    known = sorted(
        (r for r in [*previous, *([reading] if reading else [])] if r.age_hours is not None),
        key=lambda r: r.age_hours,
    )
    origin = 0.0 if basis is None else basis
    course, under_treatment = (None, False) if basis is None else _treatment_at(infant, basis)
    # The treatment answered everything measured before it stopped; a hospital visit that
    # sent the infant home answered everything before it.
    after_age = -math.inf
    if course is not None and not under_treatment:
        after_age = course.stopped_age_hours
    seen = infant.hospital_seen_age_hours
    if seen is not None and basis is not None and seen <= basis and not under_treatment:
        after_age = max(after_age, seen)
    measurements = [
        r
        for r in known
        if r.is_measurement and r.needs_confirmation is None and r.age_hours >= after_age
    ]
    if reading is not None and reading.age_hours is None:  # birth time unknown
        measurements = (
            [reading] if reading.is_measurement and not reading.needs_confirmation else []
        )
    m = measurements[-1] if measurements else None
    th = (
        _infant_thresholds(infant, m.age_hours)
        if m is not None
        else Thresholds(applies=False, reason="no_reading")
    )
    result = Assessment(
        action=Action.ROUTINE, guideline_applies=th.applies, thresholds=th, basis_age_hours=basis
    )
    if triggered:
        result.trigger = _reading_summary(reading)
    base = _base(infant, m, measurements, th, origin, course, under_treatment, policy)
    if m is not None:
        # Most often the reading assessed is the measurement in force: the same summary.
        summary = dict(result.trigger) if triggered and m is reading else _reading_summary(m)
        _describe_measurement(result, infant, m, th, summary)

    signals: list[Signal] = []
    if m is not None and m.evidence is Evidence.TCB and basis is not None:
        tsbs = [r for r in measurements if r.evidence is Evidence.TSB]
        if tsbs and basis - tsbs[-1].age_hours <= policy.tsb_advice_in_force_hours:
            signals.extend(_open_tsb_advice(infant, tsbs[-1], policy))
    if triggered and reading.needs_confirmation is not None:
        signals.append(_unconfirmed_signal(infant, reading, origin, policy))
    # Ages of the evidence in force: the measurement and every estimate still counting.
    ages = [] if m is None or m.age_hours is None else [m.age_hours]
    if not under_treatment:
        if m is not None:
            signals.extend(_measurement_signals(infant, m, measurements, th, course, policy))
        if basis is not None:
            newer_than = max(after_age, ages[0] if ages else -math.inf)
            estimates, estimate_ages = _estimate_signals(
                infant, known, photos, newer_than, basis, policy
            )
            signals.extend(estimates)
            ages += estimate_ages
        signals.extend(_first_day_signal(ages, measurements))
    if basis is not None:
        signals.extend(_observation_signals(infant, observations, basis, policy))
        limit = _prolonged_limit_hours(infant, policy)
        if ages and max(ages) >= limit:
            signals.append(
                Signal("prolonged_jaundice", Action.DOCTOR_REVIEW, {"limit_days": limit // 24})
            )
    pending = infant.hospital_visit_pending_since_age_hours
    if pending is not None and basis is not None and basis >= pending and not under_treatment:
        # Sent to hospital and not yet received there: nothing at home cancels that.
        level = Action(infant.hospital_visit_pending_action or Action.URGENT_REFERRAL)
        signals.append(
            Signal(
                "hospital_visit_pending",
                max(level, Action.URGENT_REFERRAL),
                {"since_age_hours": round(pending, 1)},
            )
        )
    if basis is not None and not under_treatment:
        signals.extend(_request_signals(infant.open_requests))
        if course is not None and course.unclosed:
            signals.append(
                Signal(
                    "phototherapy_unclosed",
                    Action.ROUTINE,
                    {
                        "started_age_hours": course.started_age_hours,
                        "stopped_age_hours": course.stopped_age_hours,
                    },
                )
            )
    closed = infant.tsb_closed_through_age_hours
    if closed is not None:
        # A clinician decided about the blood test this evidence asked for.
        signals = [s for s in signals if not (s.asks == "tsb" and _evidence_age(s, m) <= closed)]
        if base.asks == "tsb" and m is not None and m.age_hours <= closed:
            base.asks = "measurement"
    if th.applies and th.source == "aap2022" and infant.neurotoxicity_risk is None:
        signals.append(Signal("neurotoxicity_risk_not_assessed", Action.ROUTINE))
    if th.applies and th.source == "clinician":
        signals.append(Signal("clinician_thresholds", Action.ROUTINE))

    result.signals = signals
    result._base = base
    _conclude(result)
    return result


def _describe_measurement(
    result: Assessment, infant: InfantFacts, m: ReadingFacts, th: Thresholds, summary: dict
) -> None:
    """The measurement in force (`summary`: its `_reading_summary`) against the thresholds."""
    result.measurement = summary
    result.value_mg_dl, result.value_umol_l = summary["value_mg_dl"], summary["value_umol_l"]
    if th.applies:
        threshold = mg_dl_shown(th.phototherapy_mg_dl)
        result.gap_mg_dl = float(threshold - m.shown_mg_dl)
        unit = as_unit(m.unit)
        result.gap_umol_l = threshold_umol_l_shown(threshold, unit) - summary["value_umol_l"]
        result.gap_in_reading_unit = result.gap_mg_dl if unit is Unit.MG_DL else result.gap_umol_l
    if m.age_hours is not None and th.source == "aap2022":
        percentiles = bhutani_percentiles(m.age_hours)
        if percentiles is not None and bhutani_applies(infant):
            result.zone = bhutani_zone(m.value_mg_dl, percentiles)


def raise_with(result: Assessment, signal: Signal) -> None:
    """Add a signal from outside the guideline (the risk model) and conclude again: it may raise
    the action and bring the next measurement forward, never lower or push back either."""
    result.signals.append(signal)
    _conclude(result)


def _conclude(result: Assessment) -> None:
    """The action is the highest any piece of evidence in force asks for; the next measurement
    the earliest any of them asks for. At urgent referral or above the hospital measures now."""
    base: _Base = result._base
    signals = result.signals
    action = max([base.action, *(s.action_floor for s in signals)])
    result.action = action
    basis = result.basis_age_hours
    origin = 0.0 if basis is None else basis
    result.decided_by = None
    asks = [(base.window, base.asks), *((s.due_window_age_hours, s.asks) for s in signals)]
    asks = [(w, kind) for w, kind in asks if w]
    if action >= Action.URGENT_REFERRAL:
        asks = []
        result.decided_by = "hospital"
    elif not asks:
        result.decided_by = "treating_team"
    result.next_measurement_kind = None
    if asks:
        (start, due), kind = min(asks, key=lambda a: (a[0][1], a[0][0]))
        # A blood test asked by anything due as soon is a blood test.
        if any(k == "tsb" and w[1] <= due + 1e-9 for w, k in asks):
            kind = "tsb"
        result.next_measurement_kind = kind
        result.next_measurement_due_age_hours = None if basis is None else due
        result.next_measurement_hours = round(max(0.0, due - origin), 2)
        result.next_measurement_window_hours = (
            round(max(0.0, start - origin), 2),
            round(max(0.0, due - origin), 2),
        )
    else:
        result.next_measurement_due_age_hours = None
        result.next_measurement_hours = None
        result.next_measurement_window_hours = None
    R.explain(result, base)


def bhutani_applies(infant: InfantFacts) -> bool:
    weeks, weight = infant.gestational_age_weeks, infant.birth_weight_g
    if weeks is None or weight is None:
        return False
    return (weeks >= 36 and weight > 2000) or (weeks >= 35 and weight > 2500)


def parse_gestational_age(text: str) -> tuple[int, int]:
    """'37+2' → (37, 2); '38' → (38, 0)."""
    weeks, _, days = text.partition("+")
    weeks_i, days_i = int(weeks), int(days or 0)
    if not 0 <= days_i <= 6 or weeks_i < 0:
        raise ValueError(f"gestational age {text!r}: use completed weeks + days 0–6, e.g. 37+2")
    return weeks_i, days_i
