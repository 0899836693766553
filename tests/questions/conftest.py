import pytest

from neocare.network.models import User
from tests.factories import UserFactory
from tests.helpers import make_term_infant_born_50h_ago


@pytest.fixture
def people(world):
    """Phones for the staff (messages skip recipients without one), and a second doctor of
    the infant's centre."""
    p = world.personas
    for n, user in enumerate(
        [p["community_doctor"], p["district_doctor"], *world.strangers.values()]
    ):
        if user.role != User.Role.GUARDIAN:
            user.phone_number = f"+861390000{n:04d}"
            user.save()
    second = UserFactory(
        role=User.Role.COMMUNITY_DOCTOR, facility=world.centre_a1, phone_number="+8613900009999"
    )
    make_term_infant_born_50h_ago(world.ours)
    return {**p, "second_doctor": second}
