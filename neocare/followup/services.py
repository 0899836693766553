"""The follow-up plan's rules (docs/clinical-rules.md § "The follow-up plan").

Each assessment runs two steps around the engine, in the caller's transaction:
1. `plan_answer`: the infant's open requests that the record now answers end — a blood test by a
   TSB, a doubtful value by a TSB or a repeat that agrees with it, either by the hospital
   receiving the infant or phototherapy starting. What stays open goes to the engine as facts,
   and holds its level and due time there.
2. `plan_update`: what the new assessment asks that only specific evidence can answer becomes a
   request, or tightens the open one (an earlier due time, a higher level). Nothing here ever
   loosens a request: only its evidence, or a clinician (`request_close`), ends it.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neocare.alerts.models import Referral
from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.followup.models import Request
from neocare.infants.models import Assessment, Infant, Reading
from neocare.network.models import User
from risk_model.guideline import RequestFacts, _plain
from risk_model.policy import Policy
from risk_model.units import to_mg_dl

# The hospital has the infant: it measures what was asked.
RECEIVED = (Referral.Status.ARRIVED, Referral.Status.TREATED, Referral.Status.CLOSED)
TCB_METHODS = (Reading.Method.TCB_HOME, Reading.Method.TCB_CLINIC)
# Who may close a request by their own decision.
CLOSERS = (User.Role.COMMUNITY_DOCTOR, User.Role.DISTRICT_DOCTOR, User.Role.PAEDIATRICIAN)


def _mg_dl(reading: Reading) -> float:
    return to_mg_dl(float(reading.value_as_sent), reading.unit_as_sent)


def _answer(request: Request, readings: list[Reading], received, treated, policy: Policy):
    """What answers the request in the record, as (answer, reading) — or None."""
    if request.kind == Request.Kind.CONFIRM:
        doubtful = request.reading
        after = [
            r
            for r in readings
            if (r.measured_at, r.pk) > (doubtful.measured_at, doubtful.pk)
            and r.method != Reading.Method.VISUAL
        ]
        # A low doubtful value asked only for a new measurement; a unit that looked wrong is
        # answered by the next measurement, which shows which unit the meter reads in.
        any_answers = not request.detail.get("acted_on", False) or (
            doubtful.needs_confirmation == "unit_suspect"
        )
        for r in after:
            if r.method == Reading.Method.TSB_LAB:
                return Request.Answer.TSB, r
            same_kind = (r.method in TCB_METHODS) == (doubtful.method in TCB_METHODS)
            close = abs(_mg_dl(r) - _mg_dl(doubtful)) <= policy.confirm_tolerance_mg_dl
            if same_kind and close:
                return Request.Answer.REPEAT, r
            if any_answers:
                return Request.Answer.MEASUREMENT, r
    else:  # a blood test: only a TSB
        for r in readings:
            if r.method == Reading.Method.TSB_LAB and r.measured_at >= request.raised_at:
                return Request.Answer.TSB, r
    if any(at >= request.created_at for at in received):
        return Request.Answer.HOSPITAL, None
    if any(at >= request.raised_at for at in treated):
        return Request.Answer.PHOTOTHERAPY, None
    return None


def plan_answer(*, infant: Infant, policy: Policy) -> list[Request]:
    """End the open requests the record now answers; return those still open."""
    requests = list(
        # Locked (the requests only; the reading may be absent): two records of one infant
        # arriving at once answer each request once.
        Request.objects.select_for_update(of=("self",))
        .filter(infant=infant, status=Request.Status.OPEN)
        .select_related("reading")
        .order_by("raised_at", "pk")
    )
    if not requests:
        return []
    since = min(r.raised_at for r in requests)
    readings = list(infant.readings.filter(measured_at__gte=since).order_by("measured_at", "pk"))
    received = list(
        Referral.objects.filter(
            infant=infant, status__in=RECEIVED, updated_at__gte=min(r.created_at for r in requests)
        ).values_list("updated_at", flat=True)
    )
    treated = list(
        infant.phototherapy.filter(started_at__gte=since).values_list("started_at", flat=True)
    )
    now = timezone.now()
    still_open = []
    for request in requests:
        answer = _answer(request, readings, received, treated, policy)
        if answer is None:
            still_open.append(request)
            continue
        request.status, request.ended_at = Request.Status.ANSWERED, now
        request.answered_by, request.answered_by_reading = answer
        request.save(update_fields=["status", "ended_at", "answered_by", "answered_by_reading"])
    return still_open


def _age(infant: Infant, instant) -> float | None:
    return None if instant is None else infant.age_hours_at(instant)


def tsb_closed_through(infant: Infant) -> datetime | None:
    """When the evidence behind the latest blood-test request a clinician closed was raised:
    what asked for a TSB up to then is answered by that decision."""
    return (
        Request.objects.filter(infant=infant, kind=Request.Kind.TSB, status=Request.Status.CLOSED)
        .order_by("-raised_at")
        .values_list("raised_at", flat=True)
        .first()
    )


def request_facts(infant: Infant, requests: list[Request]) -> tuple[RequestFacts, ...]:
    """The open requests as the engine reads them (ages in hours)."""
    facts = []
    for r in requests:
        window = None
        if r.due_at is not None:
            window = (_age(infant, r.window_start_at or r.due_at), _age(infant, r.due_at))
        facts.append(
            RequestFacts(
                kind=r.kind,
                action=r.action_level,
                raised_age_hours=_age(infant, r.raised_at),
                due_window_age_hours=window,
                reasons=tuple(r.reasons),
                detail=r.detail,
            )
        )
    return tuple(facts)


def plan_update(*, assessment: Assessment, result, still_open: list[Request]) -> None:
    """Add what the assessment asks that only specific evidence answers, or tighten the open
    request of that kind; never loosen one."""
    infant = assessment.infant
    if infant.birth_at is None:
        return

    def at(age: float):
        return infant.birth_at + timedelta(hours=age)

    # A blood test: every ask of the engine's that only a TSB answers.
    asks = [
        (s.action_floor, s.due_window_age_hours, s.code)
        for s in result.signals
        if s.asks == "tsb" and s.due_window_age_hours and s.code != "request_tsb"
    ]
    base = result._base
    if base.asks == "tsb" and base.window:
        asks.append((base.action, base.window, base.code))
    if asks:
        level = max(int(a[0]) for a in asks)
        start, due = min((a[1] for a in asks), key=lambda w: (w[1], w[0]))
        reasons = list(dict.fromkeys(a[2] for a in asks))
        open_tsb = next((r for r in still_open if r.kind == Request.Kind.TSB), None)
        if open_tsb is None:
            _create(assessment, Request.Kind.TSB, level, at(start), at(due), reasons)
        elif at(due) < open_tsb.due_at or level > open_tsb.action_level:
            open_tsb.status, open_tsb.ended_at = Request.Status.TIGHTENED, timezone.now()
            open_tsb.save(update_fields=["status", "ended_at"])
            tighter = _create(
                assessment,
                Request.Kind.TSB,
                max(level, open_tsb.action_level),
                min(at(start), open_tsb.window_start_at),
                min(at(due), open_tsb.due_at),
                list(dict.fromkeys([*open_tsb.reasons, *reasons])),
            )
            open_tsb.tightened_by = tighter
            open_tsb.save(update_fields=["tightened_by"])
    # A doubtful value: acted on (or asked about) until it is settled.
    reading = assessment.reading
    for s in result.signals:
        if s.code != "value_needs_confirmation" or reading is None:
            continue
        if not reading.needs_confirmation:
            continue
        window = s.due_window_age_hours
        _create(
            assessment,
            Request.Kind.CONFIRM,
            int(s.action_floor),
            None if window is None else at(window[0]),
            None if window is None else at(window[1]),
            [s.code],
            reading=reading,
            detail=_plain(s.detail),
        )


def _create(assessment, kind, level, start, due, reasons, *, reading=None, detail=None):
    """Write one request. A record assessed again (a retried upload) finds the one it made:
    one request per doubtful reading, one open blood-test request per infant."""
    if reading is not None:
        lookup = {"reading": reading, "kind": kind}
    else:
        lookup = {"infant": assessment.infant, "kind": kind, "status": Request.Status.OPEN}
    request, _created = Request.objects.get_or_create(
        **lookup,
        defaults={
            "infant": assessment.infant,
            "action_level": level,
            "raised_at": assessment.basis_at,
            "window_start_at": start,
            "due_at": due,
            "reasons": reasons,
            "detail": detail or {},
            "assessment": assessment,
        },
    )
    return request


@transaction.atomic
def request_close(*, request: Request, by: User, reason: str) -> Request:
    """A clinician closes an open request with a reason (audited); the infant is re-assessed at
    once, so the plan and every page follow the decision."""
    if by.role not in CLOSERS:
        raise PermissionDenied(_("Only clinicians close a follow-up request."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the request is closed.")]})
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.status != Request.Status.OPEN:
        raise ValidationError({"status": [_("This request is no longer open.")]})
    request.status, request.ended_at = Request.Status.CLOSED, timezone.now()
    request.closed_by, request.close_reason = by, reason.strip()
    request.save(update_fields=["status", "ended_at", "closed_by", "close_reason"])
    audit_record(
        actor=by,
        infant=request.infant,
        action=AuditEvent.Action.UPDATE,
        object_type="request",
        object_id=request.public_id,
        reason=f"closed: {request.close_reason}",
    )
    return request


def plan_of(infant: Infant, ended: int = 20) -> dict[str, list[Request]]:
    """The infant's plan: the open requests, soonest due first (a request the hospital answers
    now, with no due time, first of all), and the latest `ended` ones, newest first."""
    requests = Request.objects.filter(infant=infant).select_related("closed_by")
    open_ = sorted(
        requests.filter(status=Request.Status.OPEN),
        key=lambda r: (r.due_at is not None, r.due_at or r.raised_at, r.pk),
    )
    done = requests.exclude(status=Request.Status.OPEN).order_by("-ended_at", "-pk")[:ended]
    return {"open": open_, "ended": list(done)}
