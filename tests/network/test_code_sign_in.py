"""Issue #15: parents sign in with their phone number and a one-time SMS code — six digits,
stored hashed, 5 minutes, 5 tries, once; limited per number and per address; the "auth" SMS is
urgent but budgeted; no answer tells whether a number is enrolled; tokens expire, refresh and
are revocable; parents no longer sign in with a password."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from neocare.messaging.models import Message
from neocare.messaging.services import message_send
from neocare.network.models import SignInCode
from tests.factories import guardian

PHONE = "+8613912345678"
UNKNOWN = "+8613900000000"


def client(address="10.0.0.1"):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def ask(phone, address="10.0.0.1"):
    return client(address).post("/api/v1/auth/code/", {"phone": phone}, format="json")


def sign_in(phone, code):
    return client().post(
        "/api/v1/auth/code/sign-in/", {"phone": phone, "code": code}, format="json"
    )


def sent_code(phone=PHONE) -> str:
    return Message.objects.filter(phone=phone, template="auth").latest("id").params["code"]


@pytest.fixture
def parent(db):
    return guardian(username="mother-of-wang", phone_number=PHONE)


def test_an_enrolled_parent_gets_a_code_that_signs_in_once(parent, settings):
    assert ask(PHONE).status_code == 202
    message = Message.objects.get(phone=PHONE, template="auth")
    code = message.params["code"]
    assert len(code) == 6 and code.isdigit() and message.urgent

    stored = SignInCode.objects.get(phone=PHONE)
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # only its HMAC

    answer = sign_in(PHONE, code)
    assert answer.status_code == 200
    lasts = datetime.fromisoformat(answer.json()["expiry"]) - timezone.now()
    assert timedelta(days=settings.TOKEN_TTL_GUARDIAN_DAYS - 1) < lasts
    token = answer.json()["token"]
    me = client()
    me.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert me.get("/api/v1/me/").json()["username"] == "mother-of-wang"

    assert sign_in(PHONE, code).status_code == 400  # used once


def test_enrolled_and_unknown_numbers_get_the_same_answers(parent):
    enrolled, unknown = ask(PHONE), ask(UNKNOWN)
    assert (enrolled.status_code, enrolled.json()) == (unknown.status_code, unknown.json())
    assert "community health centre" in unknown.json()["detail"]
    assert not Message.objects.filter(phone=UNKNOWN).exists()  # nothing sent to strangers

    wrong = sign_in(PHONE, "000000" if sent_code() != "000000" else "111111")
    stranger = sign_in(UNKNOWN, "123456")
    assert (
        (wrong.status_code, wrong.json())
        == (stranger.status_code, stranger.json())
        == (
            400,
            {"code": ["This code is not right or has expired. Ask for a new code."]},
        )
    )


def test_a_code_expires_after_five_minutes(parent, settings):
    ask(PHONE)
    code = sent_code()
    later = timezone.now() + timedelta(minutes=settings.SIGN_IN_CODE_TTL_MINUTES, seconds=1)
    with time_machine.travel(later):
        assert sign_in(PHONE, code).status_code == 400


def test_five_wrong_tries_spend_the_code(parent, settings):
    ask(PHONE)
    code = sent_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(settings.SIGN_IN_CODE_MAX_ATTEMPTS):
        assert sign_in(PHONE, wrong).status_code == 400
    assert sign_in(PHONE, code).status_code == 400  # even the right one now


def test_a_new_code_replaces_the_last(parent):
    ask(PHONE)
    first = sent_code()
    ask(PHONE)
    second = sent_code()
    if first != second:
        assert sign_in(PHONE, first).status_code == 400
    assert sign_in(PHONE, second).status_code == 200


@pytest.mark.parametrize("phone", [PHONE, UNKNOWN])
def test_codes_are_limited_per_number_enrolled_or_not(parent, settings, phone):
    limit = settings.SIGN_IN_CODES_PER_NUMBER_PER_HOUR
    answers = [ask(phone, address=f"10.0.1.{k}").status_code for k in range(limit + 1)]
    assert answers == [202] * limit + [429]
    assert ask(phone, address="10.0.2.1")["Retry-After"] == "3600"
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert ask(phone, address="10.0.3.1").status_code == 202


def test_code_requests_are_throttled_per_client_address(db, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign_in_code"].split("/")[0])
    answers = [ask(f"+86139{k:08d}", address="10.0.0.7").status_code for k in range(limit + 1)]
    assert answers == [202] * limit + [429]


def test_a_bad_number_is_a_field_error(db):
    answer = ask("12345")
    assert answer.status_code == 400 and "phone" in answer.json()
    assert sign_in(PHONE, "12ab56").json().keys() == {"code"}


def test_the_code_sms_ignores_quiet_hours_counts_in_the_budget_and_is_not_kept(parent):
    night = datetime(2026, 12, 1, 2, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(night, tick=False):
        ask(PHONE)
        message = Message.objects.get(phone=PHONE, template="auth")
        assert message.not_before <= timezone.now()  # not held to 08:00
        assert message_send(message.pk) == "sent"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.params["code"] == "••••••"  # the outbox keeps no usable code
    from neocare.messaging.models import PhoneDay

    assert PhoneDay.objects.get(phone=PHONE).sent == 1


def test_parents_no_longer_sign_in_with_a_password(parent):
    parent.set_password("a-good-long-password")
    parent.save()
    answer = client().post(
        "/api/v1/auth/token/",
        {"username": "mother-of-wang", "password": "a-good-long-password"},
        format="json",
    )
    assert answer.status_code == 400
    assert "code sent by SMS" in answer.json()["non_field_errors"][0]


def test_a_token_refreshes_and_the_old_one_stops(parent):
    ask(PHONE)
    old = sign_in(PHONE, sent_code()).json()["token"]
    app = client()
    app.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    fresh = app.post("/api/v1/auth/refresh/")
    assert fresh.status_code == 200
    assert app.get("/api/v1/me/").status_code == 401  # the old token is gone
    app.credentials(HTTP_AUTHORIZATION=f"Token {fresh.json()['token']}")
    assert app.get("/api/v1/me/").status_code == 200
    assert app.post("/api/v1/auth/sign-out-everywhere/").status_code == 204
    assert app.get("/api/v1/me/").status_code == 401


def test_the_parents_page_shares_the_per_address_limit(db, settings):
    from django.test import Client

    page = Client(REMOTE_ADDR="10.0.0.8", HTTP_ACCEPT_LANGUAGE="zh-hans")
    limit = settings.SIGN_IN_CODES_PER_ADDRESS_PER_HOUR
    for k in range(limit):
        assert page.post("/m/sign-in/", {"phone": f"+86137{k:08d}"}).status_code == 302
    refused = page.post("/m/sign-in/", {"phone": "+8613799999999"})
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "请求验证码的次数过多" in refused.content.decode()
