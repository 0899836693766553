"""From an infant's stored record to the guideline engine's plain facts, and back.

The one place that translates Django rows into `risk_model` facts, so training, serving and the
console (later) read an infant the same way. Every assessment runs the guideline engine and the
risk model together (`risk_model.serving.assess`): the model may raise the urgency, never lower it.
"""

from datetime import datetime, timedelta

from neocare.infants.models import Assessment, Infant, Observation, Reading
from neocare.infants.risk import current_model
from risk_model.features import PHOTO_FEATURE_HOURS
from risk_model.guideline import InfantFacts, Method, ObservationFacts, PhotoFacts, ReadingFacts
from risk_model.serving import assess

METHODS = {
    Reading.Method.TCB_HOME: Method.TCB,
    Reading.Method.TCB_CLINIC: Method.TCB,
    Reading.Method.TSB_LAB: Method.TSB,
    Reading.Method.VISUAL: Method.VISUAL,
}
# How many of the latest readings the engine is shown. Ample for the rate of rise: even a reading
# every hour leaves a day of history.
HISTORY_READINGS = 24
STOOL_PALE = {Observation.StoolColour.PALE: True, Observation.StoolColour.NORMAL: False}


def infant_facts(infant: Infant) -> InfantFacts:
    factors = infant.neurotoxicity_risk_factors
    return InfantFacts(
        gestational_age_weeks=infant.gestational_age_weeks,
        gestational_age_days=infant.gestational_age_days,
        birth_weight_g=infant.birth_weight_g,
        neurotoxicity_risk=None if factors is None else bool(factors),
        feeding=infant.feeding,
        neurotoxicity_factors=None if factors is None else tuple(factors),
        hyperbilirubinemia_factors=tuple(infant.hyperbilirubinemia_risk_factors or ()),
    )


def reading_facts(infant: Infant, reading: Reading) -> ReadingFacts:
    return ReadingFacts(
        age_hours=infant.age_hours_at(reading.measured_at),
        value=float(reading.value_as_sent),
        unit=reading.unit_as_sent,
        method=METHODS[reading.method],
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
    )


def photo_facts(infant: Infant, photo) -> PhotoFacts:
    return PhotoFacts(
        age_hours=infant.age_hours_at(photo.taken_at),
        estimate_mg_dl=photo.estimate_mg_dl,
        low_mg_dl=photo.estimate_low_mg_dl,
        high_mg_dl=photo.estimate_high_mg_dl,
    )


def _recent_photo_estimates(infant: Infant, basis_at: datetime) -> list[PhotoFacts]:
    """Usable photo estimates of the PHOTO_FEATURE_HOURS up to the basis instant: the model's
    photo feature, and (when no reading came after) the guideline's photo signal."""
    from neocare.photos.models import Photo  # photos depends on infants, not the reverse

    photos = infant.photos.filter(
        status=Photo.Status.USABLE,
        taken_at__lte=basis_at,
        taken_at__gte=basis_at - timedelta(hours=PHOTO_FEATURE_HOURS),
    )
    return [photo_facts(infant, p) for p in photos]


def _basis(reading, observation, photo) -> datetime:
    if reading is not None:
        return reading.measured_at
    if observation is not None:
        return observation.observed_at
    return photo.taken_at


def assessment_create(
    *,
    infant: Infant,
    reading: Reading | None = None,
    observation: Observation | None = None,
    photo=None,
) -> Assessment:
    """Assess the infant at a new reading, observation or usable photo, from the record up to
    that moment.

    Only what was measured or observed at or before the basis instant is used (a reading synced
    late is judged on what came before it, not after). Called inside the transaction that
    creates the reading or observation (or records the photo's analysis), so both commit
    together.
    """
    basis_at = _basis(reading, observation, photo)
    triggered_by_reading = reading is not None
    # The engine needs only recent readings (the rate of rise looks at the latest one at least
    # an hour earlier); a bounded window keeps one POST cheap however long the history grows.
    recent = infant.readings.filter(measured_at__lte=basis_at).order_by("-measured_at", "-id")
    readings = list(reversed(recent[:HISTORY_READINGS]))
    if reading is None:
        reading = readings[-1] if readings else None
    # Every reading fetched is at or before `reading` (the query stops at the basis instant).
    previous = [reading_facts(infant, r) for r in readings if r.pk != reading.pk]
    observations = [
        observation_facts(infant, o)
        for o in infant.observations.filter(observed_at__lte=basis_at).order_by("observed_at")
    ]
    model, unavailable = current_model()
    result = assess(
        infant_facts(infant),
        reading_facts(infant, reading) if reading else None,
        previous,
        observations,
        model=model,
        unavailable_reason=unavailable,
        photos=_recent_photo_estimates(infant, basis_at),
    )
    hours = result.next_measurement_hours
    due = None
    if hours is not None and (reading is not None or photo is not None):
        # The guideline's window counts from the reading; a photo's from the photo, and it may
        # bring the time already set forward, never push it back.
        due = (photo.taken_at if photo is not None else reading.measured_at) + timedelta(
            hours=hours
        )
    if photo is not None:
        earlier = assessment_latest(infant)
        if earlier is not None and earlier.next_measurement_at is not None:
            due = min(filter(None, (due, earlier.next_measurement_at)))
    prediction = result.risk_model or {}
    return Assessment.objects.create(
        infant=infant,
        reading=reading if triggered_by_reading else None,
        observation=observation,
        photo=photo,
        basis_at=basis_at,
        action=result.action.code,
        action_level=int(result.action),
        next_measurement_at=due,
        result=result.to_dict(),
        guideline_version=result.guideline_version,
        risk_probability=prediction.get("probability"),
        risk_model_version=prediction.get("model_version") or "",
    )


def assessment_latest(infant: Infant) -> Assessment | None:
    return infant.assessments.order_by("-basis_at", "-id").first()
