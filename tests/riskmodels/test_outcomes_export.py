"""The programme's outcomes as a de-identified training set (issue #17, item 3)."""

import csv
import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from neocare.alerts.models import Referral
from neocare.infants import outcomes
from neocare.infants.models import Channel, Infant, Observation, Phototherapy, Reading
from risk_model import features, realdata
from risk_model.dataset import build
from tests.helpers import make_term_infant_born_50h_ago

SALT = "a-test-salt-that-stays-inside"


def add(infant, hours, mg_dl, method=Reading.Method.TCB_HOME, by=None):
    return Reading.objects.create(
        infant=infant,
        method=method,
        value_as_sent=mg_dl,
        unit_as_sent="mg/dL",
        value_umol_l=mg_dl * 17.1,
        measured_at=infant.birth_at + timedelta(hours=hours),
        entered_by=by,
        channel=Channel.CLINICIAN,
        idempotency_key=str(uuid.uuid4()),
    )


@pytest.fixture
def infant(world):
    # 38+0 weeks, no neurotoxicity risk (AAP 2022 phototherapy 16.0 mg/dL at 48 h, about 20 by
    # 90 h); born ten days ago, so every reading below is in the past.
    infant = make_term_infant_born_50h_ago(world.ours)
    infant.birth_at -= timedelta(days=8)
    infant.save()
    return infant


def weigh(infant, hours, grams, by):
    return Observation.objects.create(
        infant=infant,
        observed_at=infant.birth_at + timedelta(hours=hours),
        weight_g=grams,
        entered_by=by,
        channel=Channel.CLINICIAN,
        idempotency_key=str(uuid.uuid4()),
    )


def labels(export):
    return [(r["age_hours"], r["reaches_phototherapy_within_72h"]) for r in export.readings]


def test_a_lab_tsb_at_the_threshold_labels_the_readings_of_the_72_hours_before_it(world, infant):
    by = world.personas["community_doctor"]
    add(infant, 24, 7.0, by=by)  # the lab value at 90 h is 66 h later: yes
    add(infant, 10, 5.0, by=by)  # 80 h before it: no, and seen again after 72 h
    add(infant, 90, 22.5, Reading.Method.TSB_LAB, by=by)  # above the threshold: the event

    got = labels(outcomes.export(Infant.objects.filter(pk=infant.pk), SALT))

    assert got == [(10.0, False), (24.0, True), (90.0, True)]


def test_a_high_meter_value_alone_is_no_event_but_phototherapy_and_treated_referrals_are(
    world, infant
):
    by = world.personas["community_doctor"]
    add(infant, 30, 12.0, by=by)
    add(infant, 60, 21.0, by=by)  # a TcB over the threshold: not an event by itself
    add(infant, 140, 10.0, by=by)
    export = outcomes.export(Infant.objects.filter(pk=infant.pk), SALT)
    assert labels(export) == [(30.0, False), (60.0, False)]  # 140 h: not seen 72 h later
    assert export.censored_readings == 1

    Referral.objects.create(
        infant=infant,
        hospital=world.hospital_a,
        status=Referral.Status.TREATED,
        treatment=Referral.Treatment.PHOTOTHERAPY,
    )
    Referral.objects.filter(infant=infant).update(created_at=infant.birth_at + timedelta(hours=62))
    assert labels(outcomes.export(Infant.objects.filter(pk=infant.pk), SALT))[:2] == [
        (30.0, True),
        (60.0, True),
    ]


def test_readings_after_phototherapy_began_are_left_out(world, infant):
    by = world.personas["community_doctor"]
    add(infant, 20, 8.0, by=by)
    add(infant, 100, 9.0, by=by)
    Phototherapy.objects.create(
        infant=infant, started_at=infant.birth_at + timedelta(hours=50), recorded_by=by
    )

    export = outcomes.export(Infant.objects.filter(pk=infant.pk), SALT)

    assert labels(export) == [(20.0, True)]
    assert export.after_phototherapy_readings == 1


def test_unknown_outcomes_are_never_guessed_as_no(world, infant):
    add(infant, 40, 9.0, by=world.personas["community_doctor"])  # nothing after it

    export = outcomes.export(Infant.objects.filter(pk=infant.pk), SALT)

    assert export.readings == [] and export.censored_readings == 1
    weigh(infant, 120, 3100, world.personas["community_doctor"])
    assert labels(outcomes.export(Infant.objects.filter(pk=infant.pk), SALT)) == [(40.0, False)]


def test_the_export_is_de_identified_and_reads_back_as_a_cohort(world, infant, tmp_path, settings):
    by = world.personas["community_doctor"]
    infant.neurotoxicity_risk_factors = ["sepsis"]
    infant.save()
    for hours, value in ((20, 7.0), (44, 11.0), (130, 12.0)):
        add(infant, hours, value, by=by)
    weigh(infant, 44, 3050, by)
    settings.TRAINING_EXPORT_SALT = SALT

    call_command("export_training_data", "--out", str(tmp_path))

    files = {p.name for p in tmp_path.iterdir()}
    assert files == {
        "infants.csv",
        "readings.csv",
        "weights.csv",
        "photos.csv",
        "DATA_DICTIONARY.md",
    }
    text = "".join((tmp_path / f).read_text() for f in files)
    for identifying in (
        infant.display_name,
        str(infant.public_id),
        infant.birth_at.date().isoformat(),
        infant.hospital_record_number or "no record number",
    ):
        assert identifying not in text
    (row,) = csv.DictReader((tmp_path / "infants.csv").open())
    assert row["infant_id"] == outcomes.pseudonym(infant, SALT) != outcomes.pseudonym(infant, "x")
    assert row["birth_month"] == f"{infant.birth_at:%Y-%m}"
    assert row["other_neurotoxicity_factor"] == "true"
    assert "| `reaches_phototherapy_within_72h` |" in (tmp_path / "DATA_DICTIONARY.md").read_text()

    cohort = realdata.load_export(tmp_path)
    data = build(cohort)
    assert len(data) == 2 and cohort.weights["weight_g"].tolist() == [3050]
    # Sepsis selects the with-risk curves in the features, as in the service.
    assert data.X[0][features.FEATURES.index("neurotoxicity_curves")] == 1


def test_no_salt_no_export(tmp_path, settings, db):
    settings.TRAINING_EXPORT_SALT = ""
    with pytest.raises(CommandError, match="TRAINING_EXPORT_SALT"):
        call_command("export_training_data", "--out", str(tmp_path))
    assert not any(tmp_path.iterdir())
