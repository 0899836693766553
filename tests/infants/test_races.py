"""Two copies of one upload racing: the database constraint keeps exactly one."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from neocare.infants import services
from neocare.infants.models import Reading
from tests.helpers import at_once

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_racing_copies_of_one_reading_store_one_row_and_both_get_it(world):
    parent = world.personas["guardian"]
    measured_at = timezone.now() - timedelta(minutes=10)

    results = at_once(
        lambda: services.reading_record(
            infant=world.ours,
            method="tcb_home",
            value=Decimal("200"),
            unit="umol/L",
            measured_at=measured_at,
            entered_by=parent,
            channel="app",
            idempotency_key="race-key-0001",
        ),
        copies=8,
    )

    assert Reading.objects.count() == 1
    assert sum(result.created for result in results) == 1
    assert {result.record.public_id for result in results} == {Reading.objects.get().public_id}


def test_parallel_code_requests_for_one_number_hold_the_hourly_limit(world, settings):
    """Twelve requests for one number at the same instant: the limit (5 an hour) holds, and the
    address's limit too."""
    from neocare.network.models import SignInCode
    from neocare.network.sign_in import code_request

    settings.SIGN_IN_CODES_PER_NUMBER_PER_HOUR = 5
    phone = str(world.personas["guardian"].phone_number)

    results = at_once(lambda: code_request(phone, client_address="10.0.0.9"), copies=12)

    assert results.count(True) == 5 and results.count(False) == 7
    assert SignInCode.objects.filter(phone=phone).count() == 5

    settings.SIGN_IN_CODES_PER_ADDRESS_PER_HOUR = 8
    others = at_once(
        lambda: code_request(
            f"+86137{threading.get_ident() % 10**8:08d}", client_address="10.0.0.9"
        ),
        copies=6,
    )
    assert others.count(True) == 3  # 5 already from this address, 8 allowed


def test_two_copies_of_one_birth_bundle_register_one_infant(world):
    import importlib

    from django.apps import apps

    from neocare.fhir.births import handover_record
    from neocare.fhir.services import system_client_register
    from neocare.infants.models import Infant
    from tests.fhir.test_births import MRN, birth_bundle

    importlib.import_module("neocare.infants.migrations.0007_consent_text_v1").first_version(
        apps, None
    )
    client, _ = system_client_register(
        name="HA-race", facility=world.hospital_a, scopes=["system/Patient.write"]
    )
    bundle = birth_bundle(world, mrn="RACE-1", tsb_value=12.0)

    results = at_once(lambda: handover_record(bundle=bundle, by=client.user), copies=4)

    assert sorted(created for _, created in results) == [False, False, False, True]
    infant = Infant.objects.get(hospital_record_number=f"{MRN}|RACE-1")
    assert infant.readings.count() == 1 and infant.guardianships.count() == 1
