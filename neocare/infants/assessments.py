"""From an infant's stored record to the guideline engine's plain facts, and the one path after
every assessment.

`assessment_record` is what readings, observations, photos and phototherapy all call: it
assesses the infant from the record up to that moment (`risk_model.serving.assess`: the
guideline engine with the risk model, which may raise the urgency, never lower it), stores the
assessment and carries out what follows, once, in the caller's transaction — the alert, the
parents' message, the reminder. Nothing else spells that chain.
"""

from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connections, router
from django.db.models import Exists, OuterRef
from django.utils import timezone

from neocare.alerts.models import Alert
from neocare.alerts.services import alert_raise
from neocare.followup.services import (
    plan_answer,
    plan_update,
    request_facts,
    tsb_closed_through,
)
from neocare.infants.models import (
    LATEST_FIRST,
    ActionLevel,
    Assessment,
    ClinicianThreshold,
    Infant,
    Observation,
    Phototherapy,
    Reading,
)
from neocare.infants.risk import current_model
from neocare.messaging.notify import notify_assessment
from neocare.messaging.reminders import reminder_schedule
from neocare.network.models import User
from risk_model.features import PHOTO_FEATURE_HOURS
from risk_model.guideline import (
    ClinicianThresholds,
    InfantFacts,
    Method,
    ObservationFacts,
    PhotoFacts,
    PhototherapyFacts,
    ReadingFacts,
    RequestFacts,
    plausibility,
)
from risk_model.guideline import assess as guideline_assess
from risk_model.policy import Policy
from risk_model.serving import assess

METHODS = {
    Reading.Method.TCB_HOME: Method.TCB,
    Reading.Method.TCB_CLINIC: Method.TCB,
    Reading.Method.TSB_LAB: Method.TSB,
    Reading.Method.VISUAL: Method.VISUAL,
}
# How many of the latest readings the engine is shown. Ample for the rate of rise, the falls
# that end monitoring and a TSB whose advice is still in force: even a reading every hour
# leaves a day of history.
HISTORY_READINGS = 24
STOOL_PALE = {Observation.StoolColour.PALE: True, Observation.StoolColour.NORMAL: False}


def clinical_policy() -> Policy:
    """The programme's policies as configured (settings.CLINICAL_POLICY)."""
    return Policy(**settings.CLINICAL_POLICY)


# The records besides readings that an assessment reads. Most infants have none of them; one
# query says which exist (`records_present`) and each absent kind spares its own query.
RECORDS = frozenset(
    {"thresholds", "phototherapy", "hospital", "observations", "photos", "requests"}
)


# A pk no infant has, marking the one parameter `_records_present_sql` replaces.
_ANY_INFANT = -7_340_033


@cache
def _records_present_sql(alias: str) -> tuple[str, tuple, int, list[str]]:
    """The query of `records_present`, compiled by the ORM once per process and database.

    Building and compiling six subqueries took ~3.5 ms of every reading's ~36 ms
    (bench/reading_profile.py); only the infant's pk changes from one reading to the next.
    """
    from neocare.alerts.models import ACTIVE, Alert, Referral  # alerts depends on infants
    from neocare.followup.models import Request  # the plan depends on infants
    from neocare.photos.models import Photo  # photos depends on infants

    def of(model, **filters):
        return Exists(model.objects.filter(infant=OuterRef("pk"), **filters))

    exists = {
        "thresholds": of(ClinicianThreshold),
        "phototherapy": of(Phototherapy),
        "referral": of(Referral),
        "alert": of(Alert, status__in=ACTIVE, severity_level__gte=ActionLevel.URGENT_REFERRAL),
        "observations": of(Observation),
        "photos": of(Photo, status=Photo.Status.USABLE),
        # Any request, open or ended: a closed blood-test request is a clinician's decision.
        "requests": of(Request),
    }
    # Aliased ("has_…"): some names are also the infant's relations.
    query = (
        Infant.objects.using(alias)
        .filter(pk=_ANY_INFANT)
        .values(**{f"has_{name}": test for name, test in exists.items()})
    )
    sql, params = query.query.sql_with_params()
    if params.count(_ANY_INFANT) != 1:
        raise RuntimeError("the infant's pk is not one parameter of the compiled query")
    return sql, params, params.index(_ANY_INFANT), list(exists)


def records_present(infant: Infant) -> frozenset[str]:
    """Which of RECORDS the infant has, in one query ("hospital": a referral, or an open alert
    that sends the infant to hospital — what `_hospital_visit_pending` looks at)."""
    alias = router.db_for_read(Infant, instance=infant)
    sql, params, at, names = _records_present_sql(alias)
    params = (*params[:at], infant.pk, *params[at + 1 :])
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    present = dict(zip(names, map(bool, row), strict=True))
    referral, alert = present.pop("referral"), present.pop("alert")
    present["hospital"] = referral or alert
    return frozenset(name for name, exists in present.items() if exists)


def infant_facts(
    infant: Infant, present: frozenset[str] = RECORDS, requests: tuple[RequestFacts, ...] = ()
) -> InfantFacts:
    """The infant's facts for the engine; `present` (from `records_present`) skips the queries
    of records the infant does not have; `requests` are the plan's open requests."""
    factors = infant.neurotoxicity_risk_factors
    threshold = None
    if "thresholds" in present:
        threshold = infant.clinician_thresholds.order_by("-set_at", "-id").first()
    courses = ()
    if "phototherapy" in present:
        courses = tuple(
            _course_facts(infant, course)
            for course in infant.phototherapy.order_by("started_at", "id")
        )
    closed_through = None
    if "requests" in present:
        closed_at = tsb_closed_through(infant)
        closed_through = None if closed_at is None else infant.age_hours_at(closed_at)
    acted = None
    if "observations" in present:
        acted = _doctor_acted_at(infant)
    pending_since, pending_action, seen = None, None, None
    if "hospital" in present:
        pending_since, pending_action, seen = _hospital_visit_pending(infant)
    return InfantFacts(
        hospital_visit_pending_since_age_hours=pending_since,
        hospital_visit_pending_action=pending_action,
        gestational_age_weeks=infant.gestational_age_weeks,
        gestational_age_days=infant.gestational_age_days,
        birth_weight_g=infant.birth_weight_g,
        neurotoxicity_risk=None if factors is None else bool(factors),
        feeding=infant.feeding,
        neurotoxicity_factors=None if factors is None else tuple(factors),
        hyperbilirubinemia_factors=tuple(infant.hyperbilirubinemia_risk_factors or ()),
        clinician_thresholds=None
        if threshold is None
        else ClinicianThresholds(
            threshold.phototherapy_mg_dl,
            threshold.exchange_mg_dl,
            as_sent={
                "phototherapy": [float(threshold.phototherapy_as_sent), threshold.unit_as_sent],
                "exchange": None
                if threshold.exchange_as_sent is None
                else [float(threshold.exchange_as_sent), threshold.unit_as_sent],
            },
        ),
        phototherapy=courses,
        open_requests=requests,
        tsb_closed_through_age_hours=closed_through,
        hospital_seen_age_hours=seen,
        doctor_acted_age_hours=None if acted is None else infant.age_hours_at(acted),
    )


def _doctor_acted_at(infant: Infant) -> datetime | None:
    """When a doctor last resolved one of the infant's alerts (acted on what it raised)."""
    return (
        Alert.objects.filter(infant=infant, resolved_by__isnull=False)
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )


def _course_facts(infant: Infant, course: Phototherapy) -> PhototherapyFacts:
    """A course as the engine reads it. One with no recorded end counts as stopped at the first
    home reading after it began (the infant is home), or when the programme's longest course
    ran out — and says so, asking the hospital for the real end."""
    started = infant.age_hours_at(course.started_at)
    if course.stopped_at is not None:
        return PhototherapyFacts(started, infant.age_hours_at(course.stopped_at))
    longest = started + clinical_policy().phototherapy_unclosed_after_hours
    home = (
        infant.readings.filter(method=Reading.Method.TCB_HOME, measured_at__gt=course.started_at)
        .order_by("measured_at")
        .values_list("measured_at", flat=True)
        .first()
    )
    if home is not None:
        longest = min(longest, infant.age_hours_at(home))
    return PhototherapyFacts(started, longest, unclosed=True)


def _hospital_visit_pending(infant: Infant) -> tuple[float | None, int | None, float | None]:
    """Since when (age, hours) the infant has been sent to hospital without a hospital having
    received it yet: a referral still "sent" or "accepted", or an open alert at urgent referral
    or above that no hospital has received the infant for since. It ends when the hospital
    moves the referral on (arrived, treated, closed) or a doctor resolves the alert. Also when
    a hospital last received the infant (age, hours), or None."""
    from neocare.alerts.models import ACTIVE, Alert, Referral  # alerts depends on infants

    waiting = (Referral.Status.SENT, Referral.Status.ACCEPTED)
    referrals = list(
        infant.referrals.select_related("alert").only(
            "created_at", "updated_at", "status", "treatment", "alert"
        )
    )
    # Sent home without phototherapy (a course of phototherapy answers for itself).
    home = (Referral.Status.TREATED, Referral.Status.CLOSED)
    sent_home = [
        r.updated_at
        for r in referrals
        if r.status in home and r.treatment != Referral.Treatment.PHOTOTHERAPY
    ]
    seen = infant.age_hours_at(max(sent_home)) if sent_home else None
    pending = [
        (r.created_at, r.alert.severity_level if r.alert else ActionLevel.URGENT_REFERRAL)
        for r in referrals
        if r.status in waiting
    ]
    for alert in Alert.objects.filter(
        infant=infant, status__in=ACTIVE, severity_level__gte=ActionLevel.URGENT_REFERRAL
    ).only("raised_at", "severity_level"):
        received = any(
            r.status not in waiting and r.created_at >= alert.raised_at for r in referrals
        )
        if not received:
            pending.append((alert.raised_at, alert.severity_level))
    if not pending:
        return None, None, seen
    since = min(at for at, _ in pending)
    return infant.age_hours_at(since), max(level for _, level in pending), seen


def reading_facts(infant: Infant, reading: Reading) -> ReadingFacts:
    return ReadingFacts(
        age_hours=infant.age_hours_at(reading.measured_at),
        value=float(reading.value_as_sent),
        unit=reading.unit_as_sent,
        method=METHODS[reading.method],
        needs_confirmation=reading.needs_confirmation or None,
    )


def observation_facts(infant: Infant, observation: Observation) -> ObservationFacts:
    return ObservationFacts(
        age_hours=infant.age_hours_at(observation.observed_at),
        stool_pale=STOOL_PALE.get(observation.stool_colour),
        poor_feeding=observation.poor_feeding,
        lethargy=observation.lethargy,
        high_pitched_cry=observation.high_pitched_cry,
        arching=observation.arching,
        weight_g=observation.weight_g,
        seizures=observation.seizures,
        blue_colour=observation.blue_colour,
        dark_urine=observation.dark_urine,
    )


def photo_facts(infant: Infant, photo) -> PhotoFacts:
    return PhotoFacts(
        age_hours=infant.age_hours_at(photo.taken_at),
        estimate_mg_dl=photo.estimate_mg_dl,
        low_mg_dl=photo.estimate_low_mg_dl,
        high_mg_dl=photo.estimate_high_mg_dl,
    )


def _recent_photo_estimates(infant: Infant, basis_at: datetime, hours: float) -> list[PhotoFacts]:
    """Usable photo estimates of the `hours` up to the basis instant: the model's photo
    feature, and (while no measurement came after) the guideline's estimate signal."""
    from neocare.photos.models import Photo  # photos depends on infants, not the reverse

    photos = infant.photos.filter(
        status=Photo.Status.USABLE,
        taken_at__lte=basis_at,
        taken_at__gte=basis_at - timedelta(hours=hours),
    )
    return [photo_facts(infant, p) for p in photos]


def _basis(reading, observation, photo, phototherapy, at: datetime | None = None) -> datetime:
    if at is not None:  # a clinician's decision, with no new record
        return at
    if reading is not None:
        return reading.measured_at
    if observation is not None:
        return observation.observed_at
    if photo is not None:
        return photo.taken_at
    # A course that stopped is assessed at its end (rebound follow-up), one that started at
    # its start.
    return phototherapy.stopped_at or phototherapy.started_at


def _judge_plausibility(
    infant: Infant, reading: Reading, policy: Policy, recent: list, present: frozenset[str]
) -> None:
    """Keep the engine's plausibility verdict on a reading, judged against what came before it.

    `recent` is the newest HISTORY_READINGS + 1 readings up to the moment assessed, newest
    first: they hold the HISTORY_READINGS before this one unless it is a late entry with many
    readings after it, which are then read again."""
    before = [r for r in recent if r.measured_at < reading.measured_at and r.pk != reading.pk]
    if len(recent) > HISTORY_READINGS and len(before) < HISTORY_READINGS:
        before = list(
            infant.readings.filter(measured_at__lt=reading.measured_at)
            .exclude(pk=reading.pk)
            .order_by("-measured_at", "-id")[:HISTORY_READINGS]
        )
    earlier = [reading_facts(infant, r) for r in before[:HISTORY_READINGS]]
    # Treatment lowers bilirubin: nothing measured before the latest course began is compared.
    began = None
    if "phototherapy" in present:
        began = (
            infant.phototherapy.filter(started_at__lte=reading.measured_at)
            .order_by("-started_at")
            .values_list("started_at", flat=True)
            .first()
        )
    verdict = (
        plausibility(
            reading_facts(infant, reading),
            earlier,
            policy,
            treated_from_age_hours=None if began is None else infant.age_hours_at(began),
        )
        or ""
    )
    if verdict != reading.needs_confirmation:
        reading.needs_confirmation = verdict
        reading.save(update_fields=["needs_confirmation"])


def _assessment_store(
    *,
    infant: Infant,
    reading: Reading | None,
    observation: Observation | None,
    photo,
    phototherapy: Phototherapy | None,
    at: datetime | None = None,
    decided_by: User | None = None,
) -> Assessment:
    """Assess the infant and store the result.

    The moment assessed is the record's own, or — for a record older than the infant's latest
    assessment (a late entry) — that latest moment, so that what counts now includes it (a late
    TSB above a threshold still outranks a newer meter reading). Only what was measured or
    observed up to the moment is used. A reading is judged for plausibility against what came
    before it, and the verdict is kept on the reading: no later assessment lets a doubtful value
    lower anything.
    """
    own_at = _basis(reading, observation, photo, phototherapy, at)
    latest = assessment_latest(infant)
    basis_at = own_at if latest is None else max(own_at, latest.basis_at)
    # A reading is what prompted the moment assessed only when it is that moment's newest.
    prompted_by_reading = reading is not None and basis_at == own_at
    policy = clinical_policy()
    # The engine needs only recent readings; a bounded window keeps one POST cheap however
    # long the history grows. One more than it shows, for the plausibility judgement.
    recent = list(
        infant.readings.filter(measured_at__lte=basis_at).order_by("-measured_at", "-id")[
            : HISTORY_READINGS + 1
        ]
    )
    present = records_present(infant)
    if reading is not None:
        _judge_plausibility(infant, reading, policy, recent, present)
        recent = [reading if r.pk == reading.pk else r for r in recent]  # with its verdict
    readings = list(reversed(recent[:HISTORY_READINGS]))
    newest = reading if prompted_by_reading else (readings[-1] if readings else None)
    previous = [reading_facts(infant, r) for r in readings if newest is None or r.pk != newest.pk]
    # The plan's requests that this record (or any since) answers end; the rest hold.
    still_open = plan_answer(infant=infant, policy=policy) if "requests" in present else []
    observations = []
    if "observations" in present:
        observations = [
            observation_facts(infant, o)
            for o in infant.observations.filter(observed_at__lte=basis_at).order_by("observed_at")
        ]
    photos = []
    if "photos" in present:
        photo_hours = max(PHOTO_FEATURE_HOURS, policy.estimate_valid_hours)
        photos = _recent_photo_estimates(infant, basis_at, photo_hours)
    model, unavailable = current_model()
    result = assess(
        infant_facts(infant, present, request_facts(infant, still_open)),
        reading_facts(infant, newest) if newest else None,
        previous,
        observations,
        model=model,
        unavailable_reason=unavailable,
        photos=photos,
        at_age_hours=None if prompted_by_reading else infant.age_hours_at(basis_at),
        policy=policy,
    )
    due_age = result.next_measurement_due_age_hours
    prediction = result.risk_model or {}
    assessment = Assessment.objects.create(
        infant=infant,
        reading=reading,
        observation=observation,
        photo=photo,
        phototherapy=phototherapy,
        decided_by=decided_by,
        basis_at=basis_at,
        action=result.action.code,
        action_level=int(result.action),
        next_measurement_at=None if due_age is None else infant.birth_at + timedelta(hours=due_age),
        result=result.to_dict(),
        guideline_version=result.guideline_version,
        risk_probability=prediction.get("probability"),
        risk_model_version=prediction.get("model_version") or "",
    )
    plan_update(assessment=assessment, result=result, still_open=still_open)
    return assessment


def assessment_record(
    *,
    infant: Infant,
    actor: User | None,
    reading: Reading | None = None,
    observation: Observation | None = None,
    photo=None,
    phototherapy: Phototherapy | None = None,
    at: datetime | None = None,
    announce: bool = True,
) -> Assessment:
    """Assess the infant at a new reading, observation, usable photo or phototherapy change,
    store it, and carry out what follows — once, inside the caller's transaction: the alert
    opens or rises, the parents hear what it means, the one reminder is set. Texts speak
    relative to now: a next measurement already due is "now", never a time in the past.

    - A late entry (measured more than LATE_ENTRY_AFTER_MINUTES before it arrived) is history:
      it updates the record, the chart and what counts now, but the parents are texted about it
      only when it sends the infant to hospital.
    - `announce=False` loads a record of the past (demo data): alerts are opened on what it
      says, but nobody is messaged and no reminder falls due in the past.
    """
    now = timezone.now()
    assessment = _assessment_store(
        infant=infant,
        reading=reading,
        observation=observation,
        photo=photo,
        phototherapy=phototherapy,
        at=at,
        decided_by=actor if at is not None else None,
    )
    own_at = _basis(reading, observation, photo, phototherapy, at)
    late = now - own_at > timedelta(minutes=settings.LATE_ENTRY_AFTER_MINUTES)
    alert_raise(assessment=assessment, actor=actor, announce=announce)
    told = announce and (not late or assessment.level >= ActionLevel.URGENT_REFERRAL)
    told = told and at is None  # a clinician's decision texts nobody (notify_assessment)
    if told:
        notify_assessment(assessment, now=now)
    reminder_schedule(assessment, now=now, told=told, announce=announce)
    return assessment


def assessment_unrecorded(infant: Infant) -> dict:
    """What the engine says now of an infant with nothing recorded yet (nothing is stored): a
    measurement is needed, by a time — never "low risk"."""
    now = timezone.now()
    result = guideline_assess(
        infant_facts(infant),
        None,
        at_age_hours=infant.age_hours_at(now),
        policy=clinical_policy(),
    )
    due = result.next_measurement_due_age_hours
    return {
        "id": None,
        "basis_at": now,
        "next_measurement_at": None if due is None else infant.birth_at + timedelta(hours=due),
        **result.to_dict(),
    }


def assessment_latest(infant: Infant) -> Assessment | None:
    """The infant's newest assessment by the moment it was about: what counts now."""
    return infant.assessments.order_by(*LATEST_FIRST).first()
