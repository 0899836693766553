"""Two copies of one upload racing: the database constraint keeps exactly one."""

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
