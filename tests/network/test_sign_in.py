"""Issue #13: sign-in for staff — expiring, revocable tokens; a locked account answered 429
with Retry-After (not a silent 400); the sign-in endpoint and the API throttled."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from neocare.network.tasks import tokens_clear_expired_task

PASSWORD = "a-good-long-password"


def sign_in(username, password=PASSWORD, language="en", address="10.0.0.1"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def as_token(token):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def doctor(world):
    """Staff sign in with a password (parents with an SMS code: test_code_sign_in.py)."""
    user = world.personas["community_doctor"]
    user.username = "doctor-chen"
    user.set_password(PASSWORD)
    user.save()
    return user


def test_staff_tokens_last_a_working_day(world, settings):
    doctor = world.personas["community_doctor"]
    doctor.set_password(PASSWORD)
    doctor.save()

    body = sign_in(doctor.username).json()

    lasts = timezone.datetime.fromisoformat(body["expiry"]) - timezone.now()
    assert lasts <= timedelta(hours=settings.TOKEN_TTL_STAFF_HOURS)


def test_signing_out_stops_that_token_and_everywhere_stops_them_all(doctor):
    first, second, third = (sign_in("doctor-chen").json()["token"] for _ in range(3))

    assert as_token(first).post("/api/v1/auth/sign-out/").status_code == 204
    assert as_token(first).get("/api/v1/me/").status_code == 401
    assert as_token(second).get("/api/v1/me/").status_code == 200

    assert as_token(second).post("/api/v1/auth/sign-out-everywhere/").status_code == 204
    assert as_token(third).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=doctor).exists()


def test_an_expired_token_is_refused(doctor):
    token = sign_in("doctor-chen").json()["token"]
    AuthToken.objects.filter(user=doctor).update(expiry=timezone.now() - timedelta(minutes=1))

    assert as_token(token).get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(("language", "says"), [("en", "locked"), ("zh-hans", "锁定")])
def test_a_locked_account_is_a_429_that_says_so_even_with_the_right_password(
    doctor, settings, language, says
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("doctor-chen", "wrong-password").status_code == 400
    locking = sign_in("doctor-chen", "wrong-password", language)
    right = sign_in("doctor-chen", PASSWORD, language)

    for response in (locking, right):
        assert response.status_code == 429
        assert int(response["Retry-After"]) == 15 * 60
        assert says in response.json()["detail"]


def test_the_sign_in_endpoint_is_throttled_per_address(db, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign_in"].split("/")[0])
    answers = [
        sign_in(f"nobody-{k}", "x", address="10.0.0.9").status_code for k in range(limit + 1)
    ]

    assert answers[:limit] == [400] * limit
    assert answers[limit] == 429
    assert sign_in("nobody-else", "x", address="10.0.0.10").status_code == 400  # another address


def test_expired_tokens_are_cleared_daily_and_a_request_reads_one_token_row(doctor):
    stale, live = (sign_in("doctor-chen").json()["token"] for _ in range(2))
    AuthToken.objects.filter(token_key=stale[:15]).update(
        expiry=timezone.now() - timedelta(minutes=1)
    )
    with CaptureQueriesContext(connection) as queries:
        assert as_token(live).get("/api/v1/me/").status_code == 200
    token_reads = [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]

    assert len(token_reads) == 1  # knox's scan of the user's other tokens is not made
    assert AuthToken.objects.filter(user=doctor).count() == 2  # so the stale one is still here
    assert tokens_clear_expired_task.apply().get() == 1
    assert list(AuthToken.objects.filter(user=doctor).values_list("token_key", flat=True)) == [
        live[:15]
    ]
    assert as_token(stale).get("/api/v1/me/").status_code == 401
