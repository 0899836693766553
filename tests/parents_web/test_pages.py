"""The parents' mobile web page /m/ (issue #15, item 7)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from neocare.audit.models import AuditEvent
from neocare.infants.models import Guardianship, Reading
from neocare.messaging.models import Message
from neocare.parents_web.forms import LOCAL_INPUT
from tests.helpers import make_term_infant_born_50h_ago

PAGE_LIMIT_BYTES = 100_000
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def parent_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def light_and_local(response) -> None:
    body = response.content
    assert len(body) < PAGE_LIMIT_BYTES, len(body)
    assert not EXTERNAL.search(body.decode()), "an external URL"


def code_sent_to(phone: str) -> str:
    message = Message.objects.filter(phone=phone, template="auth").latest("created_at")
    return message.params["code"]


def reading_form(client, infant) -> dict:
    """The form as drawn (its hidden key) filled like a parent: 250 μmol/L, measured now."""
    page = client.get(f"/m/infants/{infant.public_id}/reading/", follow=True)
    assert page.status_code == 200
    key = re.search(rb'name="idempotency_key" value="([^"]+)"', page.content).group(1).decode()
    measured = timezone.localtime() - timedelta(minutes=5)
    return {
        "method": "tcb_home",
        "value": "250",
        "unit": "umol/L",
        "measured_at": measured.strftime(LOCAL_INPUT),
        "idempotency_key": key,
    }


# --- Sign-in --------------------------------------------------------------------------------
def test_sign_in_with_the_sms_code(world):
    parent = world.personas["guardian"]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = client.get("/m/sign-in/")
    light_and_local(page)
    answer = client.post("/m/sign-in/", {"phone": str(parent.phone_number)})
    assert answer.status_code == 302 and answer["Location"] == "/m/sign-in/code/"

    wrong = client.post("/m/sign-in/code/", {"code": "000000"})
    assert wrong.status_code == 200 and b"errorlist" in wrong.content
    assert "_auth_user_id" not in client.session
    # A wrong try is counted but does not spend the code (five tries).
    signed_in = client.post("/m/sign-in/code/", {"code": code_sent_to(str(parent.phone_number))})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/m/"
    assert client.session["_auth_user_id"] == str(parent.pk)
    assert client.session.get_expiry_age() == 30 * 24 * 3600
    assert client.get("/m/").status_code == 200


def test_the_answer_is_the_same_for_an_unknown_number(world):
    parent = world.personas["guardian"]
    known, unknown = Client(), Client()
    a = known.post("/m/sign-in/", {"phone": str(parent.phone_number)})
    b = unknown.post("/m/sign-in/", {"phone": "+8613999999999"})
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    page_a = known.get(a["Location"]).content.decode()
    page_b = unknown.get(b["Location"]).content.decode()
    strip = re.compile(r'csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"|\+86\d+')
    assert strip.sub("", page_a) == strip.sub("", page_b)
    assert not Message.objects.filter(phone="+8613999999999").exists()
    refused = unknown.post("/m/sign-in/code/", {"code": "123456"})
    assert b"errorlist" in refused.content and "_auth_user_id" not in unknown.session


def test_too_many_codes_for_a_number_is_429(world, settings):
    settings.SIGN_IN_CODES_PER_NUMBER_PER_HOUR = 1
    client = Client()
    client.post("/m/sign-in/", {"phone": "+8613999999999"})
    again = client.post("/m/sign-in/", {"phone": "+8613999999999"})
    assert again.status_code == 429 and again["Retry-After"] == "3600"


@pytest.mark.parametrize(
    "path",
    [
        "/m/",
        "/m/sign-in/",
        "/m/articles/",
        "/m/consent/",
        "/m/infants/{id}/reading/",
        "/m/infants/{id}/observation/",
        "/m/infants/{id}/photo/",
        "/m/infants/{id}/questions/",
    ],
)
@pytest.mark.parametrize("role", ["community_doctor", "paediatrician", "health_admin"])
def test_staff_get_404_on_every_page(world, role, path):
    client = Client()
    client.force_login(world.personas[role])
    assert client.get(path.format(id=world.ours.public_id)).status_code == 404


def test_anonymous_visitors_go_to_sign_in(db):
    answer = Client().get("/m/")
    assert answer.status_code == 302 and answer["Location"] == "/m/sign-in/"


# --- Home -----------------------------------------------------------------------------------
def test_home_shows_only_my_infants_with_advice(world):
    infant = make_term_infant_born_50h_ago(world.ours)
    client = parent_client(world.personas["guardian"])
    client.post(f"/m/infants/{infant.public_id}/reading/", reading_form(client, infant))
    page = client.get("/m/")
    light_and_local(page)
    text = page.content.decode()
    assert infant.display_name in text
    assert world.theirs.display_name not in text
    advice = Reading.objects.get(infant=infant).assessment.result["advice"]["zh-hans"]
    assert advice in text
    assert "250 μmol/L" in text
    assert AuditEvent.objects.filter(
        actor=world.personas["guardian"], infant=infant, object_type="parents_web_home"
    ).exists()
    stranger = f"/m/infants/{world.theirs.public_id}/reading/"
    assert client.get(stranger).status_code == 404
    assert client.get(f"/m/infants/{uuid.uuid4()}/reading/").status_code == 404


# --- Logging a reading ----------------------------------------------------------------------
def test_logging_a_reading_records_once_and_shows_its_advice(world):
    infant = make_term_infant_born_50h_ago(world.ours)
    client = parent_client(world.personas["guardian"])
    form = reading_form(client, infant)
    drawn = client.get(f"/m/infants/{infant.public_id}/reading/", follow=True)
    light_and_local(drawn)
    html = drawn.content.decode()
    assert 'type="radio" name="unit" value="umol/L"' in html and "μmol/L" in html
    assert 'value="mg/dL"' in html and 'type="datetime-local"' in html
    assert 'value="tcb_home"' in html and 'value="visual"' not in html

    saved = client.post(f"/m/infants/{infant.public_id}/reading/", form)
    reading = Reading.objects.get(infant=infant)
    assert saved.status_code == 302
    assert saved["Location"] == f"/m/infants/{infant.public_id}/readings/{reading.public_id}/"
    assert (reading.method, reading.value_as_sent, reading.unit_as_sent) == (
        "tcb_home",
        250,
        "umol/L",
    )
    assert reading.channel == "app" and reading.entered_by == world.personas["guardian"]
    result = client.get(saved["Location"])
    light_and_local(result)
    assert reading.assessment.result["advice"]["zh-hans"] in result.content.decode()

    resent = client.post(f"/m/infants/{infant.public_id}/reading/", form)  # a double tap
    assert resent["Location"] == saved["Location"]
    assert Reading.objects.filter(infant=infant).count() == 1

    # Back: the form's address carries its key, so the page drawn again has the same one.
    again = client.get(f"/m/infants/{infant.public_id}/reading/?key={form['idempotency_key']}")
    assert f'value="{form["idempotency_key"]}"' in again.content.decode()
    assert again.context["saved"] == reading
    client.post(f"/m/infants/{infant.public_id}/reading/", form)
    assert Reading.objects.filter(infant=infant).count() == 1
    # A new form gets a new key; changed values under a used key ask to check and resend.
    fresh = reading_form(client, infant)
    assert fresh["idempotency_key"] != form["idempotency_key"]
    changed = client.post(f"/m/infants/{infant.public_id}/reading/", {**form, "value": "260"})
    assert changed.status_code == 400 and changed.context["form"].non_field_errors()
    assert Reading.objects.filter(infant=infant).count() == 1


def test_a_bad_value_shows_a_field_error_and_saves_nothing(world):
    infant = make_term_infant_born_50h_ago(world.ours)
    client = parent_client(world.personas["guardian"])
    form = reading_form(client, infant)
    for bad in ("abc", "-3", "900"):  # 900 μmol/L: above the physiologic ceiling (API rule)
        answer = client.post(f"/m/infants/{infant.public_id}/reading/", {**form, "value": bad})
        assert answer.status_code == 400
        assert "value" in answer.context["form"].errors, bad
    future = (timezone.localtime() + timedelta(hours=3)).strftime(LOCAL_INPUT)
    answer = client.post(f"/m/infants/{infant.public_id}/reading/", {**form, "measured_at": future})
    assert "measured_at" in answer.context["form"].errors
    assert not Reading.objects.filter(infant=infant).exists()


def test_the_time_means_beijing_time(world):
    infant = make_term_infant_born_50h_ago(world.ours)
    client = parent_client(world.personas["guardian"])
    form = reading_form(client, infant)
    client.post(f"/m/infants/{infant.public_id}/reading/", form)
    reading = Reading.objects.get(infant=infant)
    assert timezone.localtime(reading.measured_at).strftime(LOCAL_INPUT) == form["measured_at"]
    assert reading.measured_at.utcoffset() is not None


# --- Consent --------------------------------------------------------------------------------
def test_withdrawing_consent_asks_first_then_works(world):
    parent, infant = world.personas["guardian"], world.ours
    client = parent_client(parent)
    listing = client.get("/m/consent/")
    light_and_local(listing)
    confirm = client.get(f"/m/consent/{infant.public_id}/withdraw/")
    light_and_local(confirm)
    assert Guardianship.objects.get(guardian=parent).consent_withdrawn_at is None

    done = client.post(f"/m/consent/{infant.public_id}/withdraw/")
    assert done.status_code == 302 and done["Location"] == "/m/consent/"
    first = Guardianship.objects.get(guardian=parent).consent_withdrawn_at
    assert first is not None
    client.post(f"/m/consent/{infant.public_id}/withdraw/")  # sent again: the first time kept
    assert Guardianship.objects.get(guardian=parent).consent_withdrawn_at == first
    # No longer on the home page, no reading form.
    assert infant.display_name not in client.get("/m/").content.decode()
    assert client.get(f"/m/infants/{infant.public_id}/reading/").status_code == 404
    stranger = f"/m/consent/{world.theirs.public_id}/withdraw/"
    assert client.post(stranger).status_code == 404


def test_sign_out_is_a_post(world):
    client = parent_client(world.personas["guardian"])
    assert client.get("/m/sign-out/").status_code == 405
    assert client.post("/m/sign-out/")["Location"] == "/m/sign-in/"
    assert "_auth_user_id" not in client.session


def test_every_form_carries_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.personas["guardian"])
    assert client.post("/m/sign-out/").status_code == 403
