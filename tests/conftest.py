"""A small world with one persona per role and a stranger of each role elsewhere.

Region R1 holds districts A and B; region R2 holds district C.
- `ours`: an infant registered at community centre A1, delivered at hospital HA (district A).
- `theirs`: an infant registered at centre C1, delivered at hospital HC (district C, region R2).
Personas (role → in scope of `ours`) and strangers (same role, in scope of neither or `theirs`).
"""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django_otp.admin import OTPAdminSite
from PIL import Image
from rest_framework.test import APIClient

from neocare.alerts.models import Alert
from neocare.alerts.services import referral_create
from neocare.infants.models import Infant
from neocare.network.models import Facility, User
from neocare.photos.services import photo_record
from risk_model import model as risk_model
from risk_model import photo
from tests.factories import (
    DistrictFactory,
    FacilityFactory,
    InfantFactory,
    RegionFactory,
    UserFactory,
    guardian,
    link,
)
from tests.helpers import make_term_infant_born_50h_ago, post_reading


def pytest_collection_modifyitems(config, items):
    # Concurrency tests need real parallel connections; SQLite's in-memory test database has
    # none. They run in CI's PostgreSQL pass (see .ci/run), which must execute them.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing costs ~0.3 s a password by design; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# A small cohort trains in seconds with the production code; enough for behaviour, not figures.
TEST_MODEL_INFANTS = 3000
TEST_MODEL_SEED = 101


@pytest.fixture(scope="session")
def trained_risk_model(tmp_path_factory) -> Path:
    """A risk model file trained once per test session, with the same code as the real one."""
    path = tmp_path_factory.mktemp("risk_model") / "model.skops"
    risk_model.save(risk_model.train(n_infants=TEST_MODEL_INFANTS, seed=TEST_MODEL_SEED), path)
    return path


@pytest.fixture(autouse=True)
def risk_model_file(trained_risk_model, settings):
    # Every assessment in the tests runs the model, as in production.
    settings.RISK_MODEL_PATH = trained_risk_model


TEST_ESTIMATOR_PHOTOS = 400


@pytest.fixture(scope="session")
def trained_photo_estimator(tmp_path_factory) -> Path:
    """A photo estimator trained once per test session, with the production code."""
    path = tmp_path_factory.mktemp("photo_estimator") / "estimator.json"
    photo.save_estimator(photo.train_estimator(TEST_ESTIMATOR_PHOTOS, seed=7), path)
    return path


@pytest.fixture(autouse=True)
def photo_estimator_file(trained_photo_estimator, settings):
    settings.PHOTO_ESTIMATOR_PATH = trained_photo_estimator


@dataclass
class World:
    ours: Infant
    theirs: Infant
    centre_a1: Facility
    centre_a2: Facility
    centre_b1: Facility
    hospital_a: Facility
    hospital_c: Facility
    personas: dict[str, User]
    strangers: dict[str, User]


@pytest.fixture
def world(db) -> World:
    r1, r2 = RegionFactory(name="R1"), RegionFactory(name="R2")
    district_a = DistrictFactory(region=r1, name="A")
    district_b = DistrictFactory(region=r1, name="B")
    district_c = DistrictFactory(region=r2, name="C")
    community = Facility.Tier.COMMUNITY_CENTRE
    centre_a1 = FacilityFactory(district=district_a, tier=community, name="A1")
    centre_a2 = FacilityFactory(district=district_a, tier=community, name="A2")
    centre_b1 = FacilityFactory(district=district_b, tier=community, name="B1")
    centre_c1 = FacilityFactory(district=district_c, tier=community, name="C1")
    dc_a = FacilityFactory(district=district_a, tier=Facility.Tier.DISTRICT_CENTRE, name="DA")
    dc_c = FacilityFactory(district=district_c, tier=Facility.Tier.DISTRICT_CENTRE, name="DC")
    hospital_a = FacilityFactory(
        district=district_a, tier=Facility.Tier.TERTIARY_HOSPITAL, name="HA"
    )
    hospital_c = FacilityFactory(
        district=district_c, tier=Facility.Tier.TERTIARY_HOSPITAL, name="HC"
    )

    ours = InfantFactory(registered_centre=centre_a1, delivering_hospital=hospital_a)
    theirs = InfantFactory(registered_centre=centre_c1, delivering_hospital=hospital_c)
    role = User.Role
    personas = {
        "guardian": guardian(),
        "community_doctor": UserFactory(role=role.COMMUNITY_DOCTOR, facility=centre_a1),
        "district_doctor": UserFactory(role=role.DISTRICT_DOCTOR, facility=dc_a),
        "paediatrician": UserFactory(role=role.PAEDIATRICIAN, facility=hospital_a),
        "health_admin": UserFactory(role=role.HEALTH_ADMIN, region=r1),
    }
    strangers = {
        "guardian": guardian(),
        # Same district, other centre: a community doctor's scope is the centre, not the district.
        "community_doctor": UserFactory(role=role.COMMUNITY_DOCTOR, facility=centre_a2),
        "district_doctor": UserFactory(role=role.DISTRICT_DOCTOR, facility=dc_c),
        "paediatrician": UserFactory(role=role.PAEDIATRICIAN, facility=hospital_c),
        "health_admin": UserFactory(role=role.HEALTH_ADMIN, region=r2),
    }
    link(ours, personas["guardian"])
    link(theirs, strangers["guardian"])
    return World(
        ours, theirs, centre_a1, centre_a2, centre_b1, hospital_a, hospital_c, personas, strangers
    )


@pytest.fixture
def record(world, client_for, settings, tmp_path):
    """`ours` with an urgent reading (an alert), a referral to hospital A and a stored photo."""
    settings.PHOTO_STORAGE_DIR = tmp_path / "photos"
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="audit-read-1")
    referral = referral_create(
        infant=infant, by=world.personas["community_doctor"], hospital=world.hospital_a
    )
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (220, 190, 150)).save(out, format="JPEG")
    photo = photo_record(
        infant=infant,
        uploaded_by=world.personas["guardian"],
        data=out.getvalue(),
        taken_at=infant.birth_at,
        body_site="forehead",
        card_rect={"x": 0.2, "y": 0.2, "w": 0.6, "h": 0.6},
        idempotency_key="audit-photo-1",
    ).record
    return infant, Alert.objects.get(infant=infant), referral, photo


@pytest.fixture
def client_for():
    """An API client signed in as `user`, asking for English messages."""

    def make(user: User) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return make


def reset_celery_connections() -> None:
    """Make the next publish connect afresh (after a test changes CELERY_BROKER_URL).

    `app.close()` drops the connection pool, but keeps the producer pool when the connection
    pool was never created; the producer pool then keeps publishing to the old broker.
    """
    from neocare.celery import app

    app.close()
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counts live in the cache; each test starts with none (tests reuse account ids)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def staff_client(db, monkeypatch):
    """A superuser in the Django admin (the second factor has its own tests:
    tests/network/test_two_factor.py)."""
    monkeypatch.setattr(
        OTPAdminSite, "has_permission", lambda self, r: r.user.is_active and r.user.is_staff
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=""))
    return client
