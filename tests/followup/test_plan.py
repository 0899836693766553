"""The follow-up plan through the API: a request is kept until the evidence it asked for, or a
clinician with a reason, ends it; a later ask tightens it; everyone who sees the infant reads
the plan, only clinicians close a request, strangers get 404."""

from datetime import datetime

import pytest

from neocare.audit.models import AuditEvent
from neocare.followup.models import Request
from tests.followup.course import SHANGHAI, hours, latest_assessment, measure, term_infant

BORN = datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def first_day(world, client_for, clock):
    """39+0 weeks; home TcB 100 µmol/L (5.8 mg/dL) at 18 h, 6.0 below the phototherapy threshold
    11.8: jaundice on day one asks for a TSB in 4–8 h, nothing else does."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    measure(
        clock, parent, baby, at=BORN + hours(18), value="100", unit="umol/L",
        method="tcb_home", key="plan-tcb-1",
    )  # fmt: skip
    return baby


def plan(client, infant):
    response = client.get(f"/api/v1/infants/{infant.public_id}/plan/")
    return response.status_code, response.json()


def test_a_first_day_reading_opens_a_blood_test_request_the_family_can_read(
    world, client_for, first_day
):
    status, body = plan(client_for(world.personas["guardian"]), first_day)

    assert status == 200
    [request] = body["open"]
    assert request["kind"] == "tsb" and request["action"] == "doctor_review"
    assert request["reasons"] == ["first_24_hours"]
    assert datetime.fromisoformat(request["due_at"]) == BORN + hours(26)
    assert body["ended"] == []


def test_only_a_tsb_answers_the_blood_test_request(world, client_for, clock, first_day):
    parent = client_for(world.personas["guardian"])
    doctor = client_for(world.personas["community_doctor"])
    measure(
        clock, parent, first_day, at=BORN + hours(22), value="155", unit="umol/L",
        method="tcb_home", key="plan-tcb-2",
    )  # fmt: skip
    assert Request.objects.get(infant=first_day).status == "open"

    measure(
        clock, doctor, first_day, at=BORN + hours(23), value="140", unit="umol/L",
        method="tsb_lab", key="plan-tsb-1",
    )  # fmt: skip

    request = Request.objects.get(infant=first_day)
    assert (request.status, request.answered_by) == ("answered", "tsb")
    assert request.answered_by_reading.idempotency_key == "plan-tsb-1"
    assert "request_tsb" not in [s["code"] for s in latest_assessment(parent, first_day)["signals"]]


def test_a_later_ask_due_sooner_tightens_the_request(world, client_for, clock):
    """39+0 weeks. TcB 197 µmol/L (11.5 mg/dL) at 30 h, 2.3 below the threshold 13.8: a TcB to
    confirm by TSB within 4–24 h (by 54 h). TcB 221 (12.9) at 34 h: 0.35 mg/dL an hour, a
    rapid rise — TSB within 4–8 h (by 42 h), sooner: the request is tightened, never loosened."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    measure(
        clock, parent, baby, at=BORN + hours(30), value="197", unit="umol/L",
        method="tcb_home", key="plan-tcb-3",
    )  # fmt: skip
    assert Request.objects.get(infant=baby).due_at == BORN + hours(54)

    measure(
        clock, parent, baby, at=BORN + hours(34), value="221", unit="umol/L",
        method="tcb_home", key="plan-tcb-4",
    )  # fmt: skip

    requests = list(Request.objects.filter(infant=baby).order_by("pk"))
    assert [r.status for r in requests] == ["tightened", "open"]
    assert requests[0].tightened_by == requests[1]
    assert requests[1].due_at == BORN + hours(42)
    assert requests[1].reasons[0] == "confirm_with_tsb" and "rapid_rise" in requests[1].reasons


def test_a_later_ask_due_later_leaves_the_request_as_it_was(world, client_for, clock):
    """TcB 197 at 30 h asks a TSB by 54 h; TcB 205 at 40 h (slow rise) asks one by 64 h: the
    earlier due time stands."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    for at, value, key in ((30, "197", "plan-tcb-5"), (40, "205", "plan-tcb-6")):
        measure(
            clock, parent, baby, at=BORN + hours(at), value=value, unit="umol/L",
            method="tcb_home", key=key,
        )  # fmt: skip

    [request] = Request.objects.filter(infant=baby)
    assert request.status == "open" and request.due_at == BORN + hours(54)
    assert latest_assessment(parent, baby)["next_measurement_at"] == (BORN + hours(54)).isoformat()


def test_a_clinician_closes_a_request_with_a_reason_and_the_infant_is_reassessed(
    world, client_for, first_day
):
    doctor = world.personas["community_doctor"]
    [request] = plan(client_for(doctor), first_day)[1]["open"]
    url = f"/api/v1/infants/{first_day.public_id}/plan/{request['id']}/close/"

    refused = client_for(doctor).post(url, {"reason": "  "}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert Request.objects.get(public_id=request["id"]).status == "open"

    closed = client_for(doctor).post(url, {"reason": "TSB 8.1 mg/dL at the centre"}, format="json")

    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed" and closed.json()["closed_by"] == doctor.username
    assert AuditEvent.objects.filter(
        object_type="request", object_id=request["id"], actor=doctor
    ).exists()
    latest = latest_assessment(client_for(doctor), first_day)
    assert latest["next_measurement_kind"] != "tsb"  # the doctor decided about the blood test
    assert not Request.objects.filter(infant=first_day, status="open").exists()
    again = client_for(doctor).post(url, {"reason": "twice"}, format="json")
    assert again.status_code == 400


@pytest.mark.parametrize("role", ["guardian"])
def test_a_family_reads_the_plan_but_cannot_close_a_request(world, client_for, first_day, role):
    client = client_for(world.personas[role])
    [request] = plan(client, first_day)[1]["open"]
    url = f"/api/v1/infants/{first_day.public_id}/plan/{request['id']}/close/"

    assert client.post(url, {"reason": "we are fine"}, format="json").status_code == 403
    assert Request.objects.get(public_id=request["id"]).status == "open"


@pytest.mark.parametrize("role", ["guardian", "community_doctor", "district_doctor"])
def test_a_stranger_gets_404_on_the_plan_and_its_requests(world, client_for, first_day, role):
    stranger = client_for(world.strangers[role])
    request = Request.objects.get(infant=first_day)
    url = f"/api/v1/infants/{first_day.public_id}/plan/"

    assert stranger.get(url).status_code == 404
    close = f"{url}{request.public_id}/close/"
    assert stranger.post(close, {"reason": "not mine"}, format="json").status_code == 404
    assert Request.objects.get(pk=request.pk).status == "open"


def test_a_page_for_a_new_reason_names_that_reason(world, client_for, clock):
    """TcB 197 at 30 h: doctor review (a TcB to confirm). TcB 221 at 34 h: the same level, but
    a rapid rise (0.35 mg/dL an hour) is new: the doctor is paged again, and told of the rise."""
    from neocare.messaging.models import Message
    from neocare.messaging.services import _render

    doctor = world.personas["community_doctor"]
    doctor.phone_number, doctor.language = "+8613900000001", "en"
    doctor.save()
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    for at, value, key in ((30, "197", "page-tcb-1"), (34, "221", "page-tcb-2")):
        measure(
            clock, parent, baby, at=BORN + hours(at), value=value, unit="umol/L",
            method="tcb_home", key=key,
        )  # fmt: skip

    pages = Message.objects.filter(template="doctor_alert", recipient=doctor).order_by("pk")
    assert pages.count() == 2
    assert "Rate of rise" in _render(pages[1]) and "Rate of rise" not in _render(pages[0])
