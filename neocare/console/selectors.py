"""What the console's pages read: the triage rows, the referrals inbox, the record's summary and
its timeline. A fixed number of queries per page whatever the number of rows (never a query per
row); scope always comes from the caller's `*_visible_to` queryset.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neocare.alerts.models import ACTIVE, Referral
from neocare.console.units import Bilirubin
from neocare.followup.services import plan_of
from neocare.infants.assessments import LATEST_FIRST, reading_facts
from neocare.infants.models import (
    Assessment,
    HyperbilirubinemiaRiskFactor,
    Infant,
    NeurotoxicityRiskFactor,
    Reading,
)
from neocare.messaging.models import Message
from risk_model.reasons import ASKED_FOR, WHY_CONFIRM, both_units

# How far back the record's trend looks (issue #14: the last 24–48 h).
TREND_HOURS = 48


def latest_assessment_id() -> Subquery:
    """The id of the row's infant's newest assessment, in `assessment_latest`'s own order."""
    newest = Assessment.objects.filter(infant=OuterRef("infant")).order_by(*LATEST_FIRST)
    return Subquery(newest.values("id")[:1])


# --- Triage queue ---------------------------------------------------------------------------------
@dataclass
class QueueFacts:
    """One assessment as a queue row shows it: its action, the measurement it rests on with the
    age it was measured at, the gap, and what prompted it when that was not a measurement."""

    assessment: Assessment
    value: Bilirubin | None
    measured_age_hours: float | None
    gap: Bilirubin | None
    basis: str

    @classmethod
    def of(cls, assessment: Assessment) -> "QueueFacts":
        result = assessment.result
        measurement = result.get("measurement") or {}
        trigger = result.get("trigger") or {}
        basis = ""
        if assessment.photo_id:
            basis = _("photo estimate")
        elif trigger and not trigger.get("is_measurement", True):
            basis = _("visual estimate")
        elif trigger.get("needs_confirmation"):
            basis = _("value needs confirmation")
        return cls(
            assessment=assessment,
            value=Bilirubin.stored(measurement.get("value_mg_dl"), measurement.get("value_umol_l")),
            measured_age_hours=measurement.get("age_hours"),
            gap=Bilirubin.stored(result.get("gap_mg_dl"), result.get("gap_umol_l")),
            basis=basis,
        )


def triage_rows(alerts: QuerySet, *, now: datetime | None = None, limit: int = 200) -> list[dict]:
    """Active alerts, most urgent first, then longest waiting; each with the infant's newest
    assessment (what counts now) and, when another, the one that opened or last raised it."""
    now = now or timezone.now()
    alerts = list(
        alerts.filter(status__in=ACTIVE)
        .select_related("infant", "centre", "assessment")
        .annotate(latest_id=latest_assessment_id())
        .order_by("-severity_level", "opened_at")[:limit]
    )
    latest = Assessment.objects.in_bulk([a.latest_id for a in alerts if a.latest_id])
    rows = []
    for alert in alerts:
        current = latest.get(alert.latest_id, alert.assessment)
        rows.append(
            {
                "alert": alert,
                "infant": alert.infant,
                "age_hours": alert.infant.age_hours_at(now),
                "current": QueueFacts.of(current),
                "opened": None
                if current.pk == alert.assessment_id
                else QueueFacts.of(alert.assessment),
                "waited_minutes": int((now - alert.raised_at).total_seconds() // 60),
            }
        )
    return rows


def referral_rows(referrals: QuerySet, *, limit: int = 200) -> list[Referral]:
    """The referrals inbox: open first, newest first, each with the infant's newest assessment
    (`referral.latest`, its facts as `referral.facts`)."""
    rows = list(
        referrals.select_related("infant", "infant__registered_centre", "referred_by")
        .annotate(latest_id=latest_assessment_id())
        .order_by("status", "-created_at")[:limit]
    )
    latest = Assessment.objects.in_bulk([r.latest_id for r in rows if r.latest_id])
    for referral in rows:
        referral.latest = latest.get(referral.latest_id)
        referral.facts = QueueFacts.of(referral.latest) if referral.latest else None
    return rows


# --- The infant record: summary ------------------------------------------------------------
@dataclass
class Trend:
    """The newest measurement against the oldest of the same kind in the last `TREND_HOURS`."""

    hours: float
    change: Bilirubin
    method: str


def _factor_labels(infant: Infant) -> dict:
    neuro = infant.neurotoxicity_risk_factors
    return {
        # None: not assessed (the engine then uses the more cautious curves, and says so).
        "neurotoxicity": None
        if neuro is None
        else [str(NeurotoxicityRiskFactor(code).label) for code in neuro],
        "hyperbilirubinemia": [
            str(HyperbilirubinemiaRiskFactor(code).label)
            for code in infant.hyperbilirubinemia_risk_factors or []
        ],
    }


def record_summary(infant: Infant, readings: list[Reading], latest: Assessment | None) -> dict:
    """What a doctor reads first: age, GA, risk factors, the newest value with its method and
    age, the trend, the action and the next measurement, open alert and referral."""
    now = timezone.now()
    measured = [r for r in readings if r.method != Reading.Method.VISUAL]
    newest = measured[-1] if measured else None
    summary = {
        "age_hours": infant.age_hours_at(now),
        "factors": _factor_labels(infant),
        "newest": None,
        "trend": None,
        "latest": latest,
        "probability_percent": None
        if latest is None or latest.risk_probability is None
        else round(100 * latest.risk_probability),
        "thresholds": None,
        "active_alert": infant.alerts.filter(status__in=ACTIVE).first(),
        "open_referral": infant.referrals.exclude(status=Referral.Status.CLOSED)
        .select_related("hospital")
        .order_by("-created_at")
        .first(),
    }
    if newest is not None:
        facts = reading_facts(infant, newest)
        summary["newest"] = {
            "reading": newest,
            "value": Bilirubin.of(newest.value_as_sent, newest.unit_as_sent),
            "age_hours": facts.age_hours,
        }
        same_kind = [
            r
            for r in measured
            if r.method == newest.method
            and timedelta(hours=1)
            <= newest.measured_at - r.measured_at
            <= timedelta(hours=TREND_HOURS)
            and not r.needs_confirmation
        ]
        if same_kind and not newest.needs_confirmation:
            first = Bilirubin.of(same_kind[0].value_as_sent, same_kind[0].unit_as_sent)
            last = summary["newest"]["value"]
            summary["trend"] = Trend(
                hours=(newest.measured_at - same_kind[0].measured_at).total_seconds() / 3600,
                change=Bilirubin(last.mg_dl - first.mg_dl, last.umol_l - first.umol_l),
                method=newest.get_method_display(),
            )
    thresholds = (latest.result.get("thresholds") or {}) if latest else {}
    if thresholds.get("applies"):
        unit = newest.unit_as_sent if newest else "mg/dL"
        summary["thresholds"] = {
            "phototherapy": Bilirubin.threshold(thresholds.get("phototherapy_mg_dl"), unit),
            "exchange": Bilirubin.threshold(thresholds.get("exchange_mg_dl"), unit),
        }
    return summary


# --- The infant record: timeline ---------------------------------------------------------------
KINDS = {
    "reading": gettext_lazy("Readings"),
    "assessment": gettext_lazy("Assessments"),
    "photo": gettext_lazy("Photos"),
    "observation": gettext_lazy("Observations"),
    "alert": gettext_lazy("Alerts"),
    "referral": gettext_lazy("Referrals"),
    "call": gettext_lazy("Calls"),
    "message": gettext_lazy("Messages"),
}


@dataclass
class Event:
    at: datetime
    kind: str
    item: object
    # Readings: the value in both units and the assessment it led to.
    value: Bilirubin | None = None
    assessment: Assessment | None = None
    # Reassessments that changed nothing, folded into this line.
    folded: int = 0


@dataclass
class Day:
    date: date
    events: list[Event] = field(default_factory=list)


def _same_advice(a: Assessment, b: Assessment) -> bool:
    """Two assessments that would read the same: action, reasons and next measurement."""
    codes = [r.get("code") for r in a.result.get("reasons", [])]
    return (
        a.action == b.action
        and codes == [r.get("code") for r in b.result.get("reasons", [])]
        and a.next_measurement_at == b.next_measurement_at
    )


def record_timeline(infant: Infant, kinds: set[str] | None = None) -> list[Day]:
    """The record by local day, newest first, collapsed to what changed: one line per reading
    with the action it led to; an assessment only when it said something new (identical ones
    are folded into the line before); a message once, in its final delivery state (merged
    messages are part of the one they joined). One query per kind, never per row."""
    kinds = set(KINDS) if not kinds else kinds & set(KINDS)
    events: list[Event] = []
    readings = infant.readings.select_related("assessment")
    by_reading = {}
    for r in readings:
        by_reading[r.pk] = Event(
            r.measured_at,
            "reading",
            r,
            value=Bilirubin.of(r.value_as_sent, r.unit_as_sent),
            assessment=getattr(r, "assessment", None),
        )
    if "reading" in kinds:
        events += by_reading.values()
    if "assessment" in kinds or "reading" in kinds:
        previous, shown = None, None
        for a in infant.assessments.order_by("basis_at", "id"):
            if a.reading_id and a.reading_id in by_reading:
                line = by_reading[a.reading_id]
            elif previous is not None and _same_advice(a, previous):
                if shown is not None:
                    shown.folded += 1
                previous = a
                continue
            else:
                line = Event(a.basis_at, "assessment", a, assessment=a)
                if "assessment" in kinds:
                    events.append(line)
            previous, shown = a, line
    if "photo" in kinds:
        events += [
            Event(p.taken_at, "photo", p, value=Bilirubin.stored(p.estimate_mg_dl))
            for p in infant.photos.all()
        ]
    if "observation" in kinds:
        events += [Event(o.observed_at, "observation", o) for o in infant.observations.all()]
    if "alert" in kinds:
        alerts = infant.alerts.select_related("acknowledged_by", "resolved_by")
        events += [Event(a.opened_at, "alert", a) for a in alerts]
    if "referral" in kinds:
        events += [
            Event(r.created_at, "referral", r) for r in infant.referrals.select_related("hospital")
        ]
    if "call" in kinds:
        events += [Event(c.at, "call", c) for c in infant.calls.select_related("by")]
    if "message" in kinds:
        messages = Message.objects.filter(infant=infant).exclude(status=Message.Status.MERGED)
        events += [Event(m.created_at, "message", m) for m in messages]
    events.sort(key=lambda e: e.at, reverse=True)
    days: list[Day] = []
    for event in events:
        day = timezone.localtime(event.at).date()
        if not days or days[-1].date != day:
            days.append(Day(day))
        days[-1].events.append(event)
    return days


def plan_rows(infant: Infant, language: str) -> list[dict]:
    """The follow-up plan's open requests as the record shows them: what, by when, and why in
    the clinician's words (issue #26)."""
    rows = []
    for request in plan_of(infant, ended=0)["open"]:
        if request.kind == "tsb":
            why = ASKED_FOR[language].get
            reasons = [why(code, code) for code in request.reasons]
        else:
            detail = request.detail
            value = both_units(detail["value_mg_dl"], detail["value_umol_l"], language)
            reasons = [f"{value} · {WHY_CONFIRM[language][detail['needs_confirmation']]}"]
        rows.append(
            {"request": request, "why": ("；" if language == "zh-hans" else "; ").join(reasons)}
        )
    return rows
