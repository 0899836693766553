"""The programme's own outcomes as labelled, de-identified training data (issue #17).

Every reading of an infant ≥ 35 weeks in the first 14 days, before any phototherapy, becomes a
row labelled the way the risk model's question is asked: **did the infant reach the AAP 2022
phototherapy threshold at this reading or within the next 72 hours?** What counts as reaching
it, from what the record holds:

- a **laboratory TSB** at or above the infant's phototherapy threshold at its age (a meter
  value alone does not count: meters under-read and over-read; a high TcB that led to a TSB or
  to treatment is counted through them);
- a **course of phototherapy** started (recorded by the treating hospital);
- a **referral whose outcome was phototherapy or exchange transfusion** (its time is when the
  infant was referred: the treatment followed it).

A reading is **labelled "no"** only when the record shows the infant after the 72 hours (a later
reading, observation or photo) with no event in them; otherwise its outcome is unknown and the
row is left out (counted as censored in the data dictionary), never guessed as "no".

De-identification: no names, phones, addresses, record numbers or exact dates. Each infant is a
salted pseudonym (HMAC-SHA256 of its NeoCare id with `TRAINING_EXPORT_SALT`, which never leaves
the programme); ages are in hours from birth; the only calendar field is the birth month
(YYYY-MM), which the champion/challenger comparison needs to hold out the most recent infants.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass, field
from datetime import datetime

from neocare.alerts.models import Referral
from neocare.infants.assessments import infant_facts
from neocare.infants.models import Infant, Reading
from risk_model import features
from risk_model.guideline import thresholds
from risk_model.units import Unit, to_mg_dl

HORIZON = features.HORIZON_HOURS
LAST_HOUR = features.FOLLOW_UP_HOURS
METHODS = {  # NeoCare's reading methods → the training data's (risk_model.guideline.Method)
    Reading.Method.TSB_LAB: "tsb",
    Reading.Method.TCB_CLINIC: "tcb",
    Reading.Method.TCB_HOME: "tcb",
    Reading.Method.VISUAL: "visual",
}
TREATED = (Referral.Treatment.PHOTOTHERAPY, Referral.Treatment.EXCHANGE_TRANSFUSION)

# The data dictionary, written beside the files (what each column means, and how it was made).
DICTIONARY = {
    "infants.csv": {
        "infant_id": "salted pseudonym (HMAC-SHA256 of the NeoCare id, first 16 hex digits)",
        "birth_month": "month of birth, YYYY-MM (the only calendar field)",
        "sex": "female / male / unknown",
        "ga_weeks": "gestational age at birth, completed weeks",
        "ga_days": "gestational age at birth, extra days (0–6)",
        "birth_weight_g": "birth weight, grams",
        "feeding": "exclusive_breastfeeding / mixed / formula",
        "g6pd_deficiency": "true / false: G6PD deficiency recorded as a neurotoxicity factor",
        "isoimmune_haemolysis": "true / false: isoimmune haemolytic disease (positive DAT)",
        "other_neurotoxicity_factor": "true / false: any other AAP 2022 neurotoxicity factor",
        "suboptimal_intake": "true / false: suboptimal breastfeeding recorded",
        "family_phototherapy": "true / false: a parent or sibling needed phototherapy",
        "bruising": "true / false: scalp haematoma or significant bruising",
        "neurotoxicity_assessed": "false when the neurotoxicity factors were never assessed",
    },
    "readings.csv": {
        "infant_id": "as in infants.csv",
        "age_hours": "age at the measurement, hours from birth (2 decimals)",
        "method": "tsb (laboratory), tcb (meter, clinic or home), visual (an estimate)",
        "observed_mg_dl": "the value in mg/dL (µmol/L ÷ 17.1)",
        "true_tsb_mg_dl": "empty: only simulated infants have a true value",
        "reaches_phototherapy_within_72h": "the label (see the module's rules)",
    },
    "weights.csv": {
        "infant_id": "as in infants.csv",
        "age_hours": "age at the weighing, hours",
        "weight_g": "weight, grams",
    },
    "photos.csv": {
        "infant_id": "as in infants.csv",
        "age_hours": "age when the skin photo was taken, hours",
        "estimate_mg_dl": "the photo's screening estimate, mg/dL (not a measurement)",
    },
}


@dataclass
class Export:
    infants: list[dict] = field(default_factory=list)
    readings: list[dict] = field(default_factory=list)
    weights: list[dict] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)
    censored_readings: int = 0
    after_phototherapy_readings: int = 0


def pseudonym(infant: Infant, salt: str) -> str:
    return hmac.new(salt.encode(), str(infant.public_id).encode(), hashlib.sha256).hexdigest()[:16]


def _threshold_at(facts, age_hours: float) -> float | None:
    risk = True if facts.neurotoxicity_risk is None else facts.neurotoxicity_risk
    found = thresholds(
        ga_weeks=facts.gestational_age_weeks, age_hours=age_hours, neurotoxicity_risk=risk
    )
    return found.phototherapy_mg_dl


def _events(infant: Infant, facts, readings: list[Reading]) -> list[float]:
    """Ages (hours) at which the infant reached the threshold or was treated for it."""
    ages = []
    for reading in readings:
        if reading.method != Reading.Method.TSB_LAB:
            continue
        age = infant.age_hours_at(reading.measured_at)
        threshold = _threshold_at(facts, age)
        if threshold is not None and to_mg_dl(reading.value_umol_l, Unit.UMOL_L) >= threshold:
            ages.append(age)
    ages += [infant.age_hours_at(c.started_at) for c in infant.phototherapy.all()]
    ages += [
        infant.age_hours_at(r.created_at) for r in infant.referrals.all() if r.treatment in TREATED
    ]
    return sorted(ages)


def _seen_at(infant: Infant, readings: list[Reading]) -> float:
    """The last age at which the record shows the infant (reading, observation or photo)."""
    instants: list[datetime] = [r.measured_at for r in readings]
    instants += [o.observed_at for o in infant.observations.all()]
    instants += [p.taken_at for p in infant.photos.all()]
    return max((infant.age_hours_at(t) for t in instants), default=-math.inf)


@dataclass
class Labelled:
    rows: list[tuple[Reading, bool]]  # readings whose outcome is known, in time order
    censored: int = 0
    after_phototherapy: int = 0


def reading_outcomes(infant: Infant) -> Labelled:
    """The infant's readings with a known outcome (the module's rules)."""
    facts = infant_facts(infant)
    readings = sorted(infant.readings.all(), key=lambda r: r.measured_at)
    events = _events(infant, facts, readings)
    seen = _seen_at(infant, readings)
    started = [infant.age_hours_at(c.started_at) for c in infant.phototherapy.all()]
    first_phototherapy = min(started, default=math.inf)
    out = Labelled(rows=[])
    for reading in readings:
        age = infant.age_hours_at(reading.measured_at)
        if age < 0 or age > LAST_HOUR:
            continue
        if age >= first_phototherapy:
            out.after_phototherapy += 1
            continue
        positive = any(age <= e <= age + HORIZON for e in events)
        if not positive and seen < age + HORIZON:
            out.censored += 1
            continue
        out.rows.append((reading, positive))
    return out


RELATED = (
    "readings",
    "phototherapy",
    "referrals",
    "observations",
    "photos",
    "clinician_thresholds",
)


def export(infants, salt: str) -> Export:
    """Labelled, de-identified rows of `infants` (a queryset), ready for risk_model's loader."""
    if not salt:
        raise ValueError(
            "a salt is needed (TRAINING_EXPORT_SALT): pseudonyms must not be guessable"
        )
    out = Export()
    infants = infants.filter(gestational_age_weeks__gte=35).prefetch_related(*RELATED)
    for infant in infants:
        labelled = reading_outcomes(infant)
        out.censored_readings += labelled.censored
        out.after_phototherapy_readings += labelled.after_phototherapy
        pid = pseudonym(infant, salt)
        rows = [
            {
                "infant_id": pid,
                "age_hours": round(infant.age_hours_at(reading.measured_at), 2),
                "method": METHODS[reading.method],
                "observed_mg_dl": round(to_mg_dl(reading.value_umol_l, Unit.UMOL_L), 2),
                "true_tsb_mg_dl": "",
                "reaches_phototherapy_within_72h": positive,
            }
            for reading, positive in labelled.rows
        ]
        if not rows:
            continue
        out.readings += rows
        neuro = infant.neurotoxicity_risk_factors
        hyper = set(infant.hyperbilirubinemia_risk_factors or ())
        out.infants.append(
            {
                "infant_id": pid,
                "birth_month": f"{infant.birth_at:%Y-%m}",
                "sex": infant.sex,
                "ga_weeks": infant.gestational_age_weeks,
                "ga_days": infant.gestational_age_days,
                "birth_weight_g": infant.birth_weight_g,
                "feeding": infant.feeding,
                "g6pd_deficiency": features.G6PD in (neuro or ()),
                "isoimmune_haemolysis": features.ISOIMMUNE in (neuro or ()),
                "other_neurotoxicity_factor": bool(
                    set(neuro or ()) - {features.G6PD, features.ISOIMMUNE}
                ),
                "suboptimal_intake": features.SUBOPTIMAL_INTAKE in hyper,
                "family_phototherapy": features.FAMILY_PHOTOTHERAPY in hyper,
                "bruising": features.BRUISING in hyper,
                "neurotoxicity_assessed": neuro is not None,
            }
        )
        out.weights += [
            {
                "infant_id": pid,
                "age_hours": round(infant.age_hours_at(o.observed_at), 2),
                "weight_g": o.weight_g,
            }
            for o in infant.observations.all()
            if o.weight_g is not None
        ]
        out.photos += [
            {
                "infant_id": pid,
                "age_hours": round(infant.age_hours_at(p.taken_at), 2),
                "estimate_mg_dl": round(p.estimate_mg_dl, 2),
            }
            for p in infant.photos.all()
            if p.estimate_mg_dl is not None
        ]
    return out
