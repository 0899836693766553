"""Catchments: the streets a community health centre serves (births handed over by address)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from neocare.network.models import Catchment


def test_a_catchment_belongs_to_a_community_centre_of_its_own_district(world):
    with pytest.raises(ValidationError) as hospital:
        Catchment(
            district=world.hospital_a.district, street="石牌街道", centre=world.hospital_a
        ).full_clean()
    with pytest.raises(ValidationError) as elsewhere:
        Catchment(
            district=world.centre_b1.district, street="石牌街道", centre=world.centre_a1
        ).full_clean()

    assert "centre" in hospital.value.message_dict
    assert "centre" in elsewhere.value.message_dict
    Catchment(
        district=world.centre_a1.district, street="石牌街道", centre=world.centre_a1
    ).full_clean()


def test_a_street_belongs_to_one_centre_in_its_district(world):
    Catchment.objects.create(
        district=world.centre_a1.district, street="林和街道", centre=world.centre_a1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Catchment.objects.create(
            district=world.centre_a2.district, street="林和街道", centre=world.centre_a2
        )


def test_the_centre_admin_page_lists_its_streets(world, staff_client):
    Catchment.objects.create(
        district=world.centre_a1.district, street="林和街道", centre=world.centre_a1
    )

    page = staff_client.get(f"/admin/network/facility/{world.centre_a1.pk}/change/")

    assert page.status_code == 200
    assert "林和街道" in page.content.decode()
