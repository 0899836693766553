"""Every reading stored through the service is scored by the risk model, from the same
features the model was trained on; the model is loaded once per process."""

import json
import os
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from neocare.infants import risk
from neocare.infants.models import (
    Assessment,
    HyperbilirubinemiaRiskFactor,
    NeurotoxicityRiskFactor,
    Reading,
)
from neocare.infants.services import observation_record, reading_record
from neocare.photos.models import Photo
from risk_model import features
from risk_model.dataset import build
from risk_model.simulator import simulate
from tests.factories import InfantFactory

SIMULATED_METHODS = {
    "tcb": Reading.Method.TCB_HOME,
    "tsb": Reading.Method.TSB_LAB,
    "visual": Reading.Method.VISUAL,
}


def test_risk_factor_codes_of_the_model_are_the_records_codes():
    assert {features.G6PD, features.ISOIMMUNE} <= set(NeurotoxicityRiskFactor.values)
    assert {features.FAMILY_PHOTOTHERAPY, features.SUBOPTIMAL_INTAKE, features.BRUISING} <= set(
        HyperbilirubinemiaRiskFactor.values
    )


def test_an_api_reading_is_scored_with_probability_version_and_reasons(world, client_for):
    """37+2 weeks, isoimmune haemolysis, TcB 8.0 at 30 h then 11.5 at 46 h."""
    infant = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=timezone.now().replace(microsecond=0) - timedelta(hours=50),
        gestational_age_weeks=37,
        gestational_age_days=2,
        birth_weight_g=2900,
        neurotoxicity_risk_factors=["isoimmune_haemolysis"],
        feeding="exclusive_breastfeeding",
    )
    client = client_for(world.personas["community_doctor"])
    for key, hours, value in (("model-01", 30, "8.0"), ("model-02", 46, "11.5")):
        response = client.post(
            f"/api/v1/infants/{infant.public_id}/readings/",
            {
                "method": "tcb_home",
                "value": value,
                "unit": "mg/dL",
                "idempotency_key": key,
                "measured_at": (infant.birth_at + timedelta(hours=hours)).isoformat(),
            },
            format="json",
        )
        assert response.status_code == 201, response.json()

    view = response.json()["assessment"]["risk_model"]

    model, _ = risk.current_model()
    assert view["status"] == "scored"
    assert view["model_version"] == model.version
    assert view["features"]["rise_mg_dl_per_hour"] == pytest.approx(3.5 / 16)
    assert view["drivers"] and all(d["text"]["zh-hans"] for d in view["drivers"])
    stored = Assessment.objects.get(reading__idempotency_key="model-02")
    assert stored.risk_probability == view["probability"]
    assert stored.risk_model_version == model.version
    latest = client.get(f"/api/v1/infants/{infant.public_id}/assessment/").json()
    assert latest["risk_model"] == view


@pytest.fixture(scope="module")
def simulated():
    """A simulated infant with G6PD deficiency, several readings, weighings and photos."""
    cohort = simulate(3000, seed=77)
    data = build(cohort)
    r, w, a = cohort.readings, cohort.weights, cohort.infants
    counts = np.bincount(r["infant"], minlength=cohort.size)
    weighed = np.bincount(w["infant"], minlength=cohort.size)
    photographed = np.bincount(cohort.photos["infant"], minlength=cohort.size)
    i = int(
        np.flatnonzero(
            a["g6pd_deficiency"]
            & a["neurotoxicity_assessed"]
            & (counts >= 5)
            & (weighed >= 2)
            & (photographed >= 2)
        )[0]
    )
    return cohort, data, i


def test_features_served_for_stored_readings_equal_the_training_rows(world, simulated):
    """Re-enter one simulated infant (weights, photo estimates, readings) through the services;
    each stored assessment's features must be, number for number, the training row of that
    reading."""
    cohort, data, i = simulated
    a, r, w = cohort.infants, cohort.readings, cohort.weights
    birth = timezone.now().replace(microsecond=0) - timedelta(days=15)
    infant = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=birth,
        gestational_age_weeks=int(a["ga_weeks"][i]),
        gestational_age_days=int(a["ga_days"][i]),
        birth_weight_g=int(a["birth_weight_g"][i]),
        feeding=str(a["feeding"][i]),
        neurotoxicity_risk_factors=["g6pd_deficiency"]
        + (["isoimmune_haemolysis"] if a["isoimmune_haemolysis"][i] else []),
        hyperbilirubinemia_risk_factors=[
            code
            for code, present in (
                ("family_phototherapy", a["family_phototherapy"][i]),
                ("suboptimal_breastfeeding", a["suboptimal_intake"][i]),
                ("scalp_haematoma_bruising", a["bruising"][i]),
            )
            if present
        ],
    )
    doctor = world.personas["community_doctor"]

    def at(hours: float):
        return birth + timedelta(hours=float(hours))

    photos = cohort.photos
    for k in np.flatnonzero(photos["infant"] == i):
        # The simulated estimate, stored as a usable photo's (analysis is tested elsewhere).
        Photo.objects.create(
            infant=infant,
            uploaded_by=doctor,
            taken_at=at(photos["age_hours"][k]),
            body_site=Photo.BodySite.STERNUM,
            card_rect={"x": 0.2, "y": 0.2, "w": 0.6, "h": 0.6},
            idempotency_key=f"photo-{k:05d}",
            storage_name=f"simulated-{k:05d}.jpg",
            source_format="JPEG",
            width=320,
            height=240,
            status=Photo.Status.USABLE,
            estimate_mg_dl=float(photos["estimate_mg_dl"][k]),
        )
    rows = np.flatnonzero(r["infant"] == i)
    # Weights and readings entered in the order they happened (a record entered out of order is
    # assessed at the latest moment instead: tests/infants/test_clinical_safety.py).
    events = [(w["age_hours"][k], "weight", k) for k in np.flatnonzero(w["infant"] == i)]
    events += [(r["age_hours"][k], "reading", k) for k in rows]
    for _age, kind, k in sorted(events, key=lambda e: (e[0], e[1] != "weight")):
        if kind == "weight":
            observation_record(
                infant=infant,
                observed_at=at(w["age_hours"][k]),
                entered_by=doctor,
                channel="clinician",
                idempotency_key=f"weight-{k:05d}",
                weight_g=int(w["weight_g"][k]),
            )
            continue
        reading_record(
            infant=infant,
            method=SIMULATED_METHODS[r["method"][k]],
            value=Decimal(f"{r['observed_mg_dl'][k]:.1f}"),
            unit="mg/dL",
            measured_at=at(r["age_hours"][k]),
            entered_by=doctor,
            channel="clinician",
            idempotency_key=f"reading-{k:05d}",
        )

    for k in rows:
        served = Assessment.objects.get(reading__idempotency_key=f"reading-{k:05d}").result[
            "risk_model"
        ]
        trained = {
            name: (None if np.isnan(v) else float(v))
            for name, v in zip(features.FEATURES, data.X[k], strict=True)
        }
        assert served["features"] == trained, f"reading {k}"


def test_without_a_model_file_readings_are_still_assessed_and_say_so(world, settings, tmp_path):
    settings.RISK_MODEL_PATH = tmp_path / "absent.skops"
    infant = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=timezone.now() - timedelta(hours=50),
        gestational_age_weeks=39,
        gestational_age_days=0,
        neurotoxicity_risk_factors=[],
    )

    recorded = reading_record(
        infant=infant,
        method="tsb_lab",
        value=Decimal("10.0"),
        unit="mg/dL",
        measured_at=timezone.now() - timedelta(hours=1),
        entered_by=world.personas["community_doctor"],
        channel="clinician",
        idempotency_key="no-model",
    )

    assessment = recorded.record.assessment
    assert assessment.result["risk_model"]["status"] == "unavailable"
    assert "train_risk_model" in assessment.result["risk_model"]["reason"]
    assert assessment.risk_probability is None
    assert assessment.action == "routine"


def test_the_model_is_loaded_once_and_again_only_when_the_file_changes(
    settings, trained_risk_model, tmp_path
):
    path = tmp_path / "model.skops"
    path.write_bytes(trained_risk_model.read_bytes())
    settings.RISK_MODEL_PATH = path

    first, _ = risk.current_model()
    second, _ = risk.current_model()
    stamp = path.stat().st_mtime + 10
    os.utime(path, (stamp, stamp))
    third, _ = risk.current_model()

    assert first is second
    assert third is not first and third.version == first.version


def test_train_and_evaluate_commands_write_a_model_and_print_json(tmp_path, capsys):
    out = tmp_path / "commanded.skops"

    call_command("train_risk_model", infants=2500, seed=12, out=out, quiet=True)
    call_command("train_risk_model", infants=2500, seed=12, out=out, if_missing=True)
    call_command("evaluate_risk_model", model=out, infants=1000, seed=13, json=True, quiet=True)

    printed = capsys.readouterr().out
    assert "saved" in printed and "is in place; not retraining" in printed
    rows = json.loads(printed[printed.index("[") :])
    assert {r["name"] for r in rows} == {
        "hist_gradient_boosting",
        "logistic_regression",
        "aap_gap_rule",
        "nomogram_zone",
    }
