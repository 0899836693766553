"""Issue #13: two-factor sign-in (TOTP, recovery codes) for accounts that see many records."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.helpers import totp_now, verified_device

PASSWORD = "a-good-long-password"


def signed_in_with_password(user) -> Client:
    user.set_password(PASSWORD)
    user.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("console:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_district_doctor_sets_up_an_authenticator_then_reaches_the_queue(world):
    doctor = world.personas["district_doctor"]
    client = signed_in_with_password(doctor)

    first = client.get(reverse("console:triage"))
    assert first.status_code == 302 and reverse("console:two-factor") in first["Location"]
    setup = client.get(first["Location"])
    assert setup.status_code == 200 and b"<svg" in setup.content  # the QR code
    device = TOTPDevice.objects.get(user=doctor, confirmed=False)

    wrong = client.post(reverse("console:two-factor"), {"code": "000000"})
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows retries after a wrong code (1 s, 2 s, 4 s…)
    right = client.post(reverse("console:two-factor"), {"code": totp_now(device)})

    assert wrong.status_code == 400 and b"not right" in wrong.content
    assert right.status_code == 200 and right.content.count(b"<li><code>") == 10
    assert client.get(reverse("console:triage")).status_code == 200


def test_a_recovery_code_works_once(world):
    doctor = world.personas["paediatrician"]
    verified_device(doctor)
    client = signed_in_with_password(doctor)
    # Enrolled already: the page asks for a code; recovery codes come with enrolment.
    from neocare.network.two_factor import enrolment_confirm

    TOTPDevice.objects.filter(user=doctor).delete()
    device = TOTPDevice.objects.create(user=doctor, name="phone", confirmed=False)
    _, codes = enrolment_confirm(doctor, totp_now(device))

    used = client.post(reverse("console:two-factor"), {"code": codes[0]})
    assert used.status_code == 302
    again = signed_in_with_password(doctor).post(reverse("console:two-factor"), {"code": codes[0]})
    assert again.status_code == 400


def test_a_community_doctor_needs_no_second_factor(world):
    client = signed_in_with_password(world.personas["community_doctor"])

    assert client.get(reverse("console:triage")).status_code == 200


def test_api_tokens_for_these_accounts_need_the_code(world):
    doctor = world.personas["paediatrician"]
    doctor.set_password(PASSWORD)
    doctor.save()
    device = verified_device(doctor)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    body = {"username": doctor.username, "password": PASSWORD}

    without = api.post("/api/v1/auth/token/", body, format="json")
    with_code = api.post("/api/v1/auth/token/", {**body, "otp": totp_now(device)}, format="json")

    assert without.status_code == 400 and "otp" in without.json()
    assert with_code.status_code == 200 and with_code.json()["token"]


@pytest.mark.django_db
def test_the_admin_site_needs_the_second_factor():
    admin = UserFactory(username="root", is_staff=True, is_superuser=True, role="")
    client = Client()
    client.force_login(admin)

    assert client.get("/admin/").status_code == 302  # unverified: treated as not staff
