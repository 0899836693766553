"""From an infant's stored record to the guideline engine's plain facts, and back.

The one place that translates Django rows into `risk_model` facts, so training, serving and the
console (later) read an infant the same way. Every assessment runs the guideline engine and the
risk model together (`risk_model.serving.assess`): the model may raise the urgency, never lower it.
"""

from datetime import datetime, timedelta

from neocare.infants.models import Assessment, Infant, Observation, Reading
from neocare.infants.risk import current_model
from risk_model.guideline import InfantFacts, Method, ObservationFacts, ReadingFacts
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


def assessment_create(
    *, infant: Infant, reading: Reading | None = None, observation: Observation | None = None
) -> Assessment:
    """Assess the infant at a new reading or observation, from the record up to that moment.

    Only what was measured or observed at or before the basis instant is used (a reading synced
    late is judged on what came before it, not after). Called inside the transaction that
    creates the reading or observation, so both commit together.
    """
    basis_at: datetime = reading.measured_at if reading else observation.observed_at
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
    )
    hours = result.next_measurement_hours
    prediction = result.risk_model or {}
    return Assessment.objects.create(
        infant=infant,
        reading=reading if observation is None else None,
        observation=observation,
        basis_at=basis_at,
        action=result.action.code,
        action_level=int(result.action),
        next_measurement_at=reading.measured_at + timedelta(hours=hours)
        if reading is not None and hours is not None
        else None,
        result=result.to_dict(),
        guideline_version=result.guideline_version,
        risk_probability=prediction.get("probability"),
        risk_model_version=prediction.get("model_version") or "",
    )


def assessment_latest(infant: Infant) -> Assessment | None:
    return infant.assessments.order_by("-basis_at", "-id").first()
