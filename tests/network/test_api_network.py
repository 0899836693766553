from django.core.management import call_command

from neocare.infants.models import Infant, Reading
from neocare.network.models import District, Facility, User


def test_me_describes_the_signed_in_account(world, client_for):
    doctor = world.personas["community_doctor"]
    body = client_for(doctor).get("/api/v1/me/").json()
    assert (body["role"], body["facility"]["name"], body["facility"]["tier"]) == (
        "community_doctor",
        "A1",
        "community_centre",
    )


def test_facilities_filter_by_tier_and_district(world, client_for):
    client = client_for(world.personas["guardian"])
    hospitals = client.get("/api/v1/facilities/", {"tier": "tertiary_hospital"}).json()
    assert sorted(f["name"] for f in hospitals["results"]) == ["HA", "HC"]
    district_a = world.centre_a1.district.public_id
    in_a = client.get("/api/v1/facilities/", {"district": str(district_a)}).json()
    assert sorted(f["name"] for f in in_a["results"]) == ["A1", "A2", "DA", "HA"]


def test_schema_is_served(db, client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/infants/{id}/readings/" in response.content


def test_demo_data_builds_the_city_once(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", "--infants", "12")
    call_command("demo_data")  # second run: nothing added
    assert District.objects.count() == 11
    assert Facility.objects.filter(tier="tertiary_hospital").count() == 3
    assert Infant.objects.count() == 12
    roles = set(User.objects.values_list("role", flat=True))
    assert {
        "guardian",
        "community_doctor",
        "district_doctor",
        "paediatrician",
        "health_admin",
    } <= roles
    assert Reading.objects.filter(value_umol_l__gte=17 * 17.1 * 0.8).exists()  # someone rises
    assert User.objects.get(username="doctor.community").check_password("neocare-demo")
