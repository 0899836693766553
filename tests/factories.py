"""factory_boy for the boring parts. Clinically relevant values are set in each test's body."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from neocare.infants.models import Guardianship, Infant
from neocare.network.models import District, Facility, Region, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"District {n}")


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    district = factory.SubFactory(DistrictFactory)
    tier = Facility.Tier.COMMUNITY_CENTRE
    name = factory.Sequence(lambda n: f"Facility {n}")
    address = factory.Sequence(lambda n: f"{n} Health Street")
    latitude = Decimal("23.100000")
    longitude = Decimal("113.300000")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


def guardian(**fields) -> User:
    fields.setdefault("phone_number", f"+86138{User.objects.count():08d}")
    return UserFactory(role=User.Role.GUARDIAN, **fields)


class InfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Infant

    display_name = factory.Sequence(lambda n: f"Baby {n}")
    sex = Infant.Sex.FEMALE
    birth_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=48))
    gestational_age_weeks = 39
    gestational_age_days = 0
    birth_weight_g = 3300
    feeding = Infant.Feeding.EXCLUSIVE_BREASTFEEDING
    neurotoxicity_risk_factors = factory.LazyFunction(list)
    created_by = factory.SubFactory(UserFactory, role="", is_superuser=True)


def link(infant: Infant, user: User, *, withdrawn: bool = False) -> Guardianship:
    now = timezone.now()
    return Guardianship.objects.create(
        infant=infant,
        guardian=user,
        relationship=Guardianship.Relationship.MOTHER,
        consent_given_at=now - timedelta(hours=40),
        consent_withdrawn_at=now if withdrawn else None,
    )
