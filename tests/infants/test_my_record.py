"""Issue #15: a parent's own record — timelines with the advice given at the time, messages,
consents with their version, the whole export, and deletion on request; nobody else's."""

import pytest
from django.utils import timezone
from knox.models import AuthToken

from neocare.audit.models import AuditEvent
from neocare.infants.models import Guardianship, Reading
from neocare.knowledge.models import Article, EducationRule, EducationSent
from neocare.messaging.models import Message
from tests.helpers import make_term_infant_born_50h_ago, post_reading


@pytest.fixture
def measured(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    parent = client_for(world.personas["guardian"])
    first = post_reading(
        parent, infant, value="150", unit="umol/L", key="mine-key-1", age_hours=49.5
    )
    second = post_reading(parent, infant, value="9.0", key="mine-key-2", age_hours=49.9)
    assert (first.status_code, second.status_code) == (201, 201)
    return infant


def test_my_timeline_has_each_reading_with_the_advice_given_then(world, client_for, measured):
    parent = world.personas["guardian"]
    body = client_for(parent).get(f"/api/v1/me/infants/{measured.public_id}/timeline/").json()
    readings = [e for e in body["events"] if e["kind"] == "reading"]
    assert len(readings) == 2
    newest = measured.readings.order_by("-measured_at").first().assessment
    assert readings[0]["advice"] == newest.result["advice"]["zh-hans"]  # as given at the time
    assert "150 μmol/L（8.8 mg/dL）" in readings[1]["summary"]
    assert body["next_measurement_at"] is not None and body["advice"]
    messages = [e for e in body["events"] if e["kind"] == "message"]
    assert messages and all(e["summary"].startswith("【新生儿黄疸随访】") for e in messages)
    assert AuditEvent.objects.filter(actor=parent, infant=measured, action="view").exists()


def test_nobody_else_reads_a_parents_record(world, client_for, measured):
    stranger = world.strangers["guardian"]
    url = f"/api/v1/me/infants/{measured.public_id}/timeline/"
    assert client_for(stranger).get(url).status_code == 404
    for role in ("community_doctor", "district_doctor", "paediatrician", "health_admin"):
        for path in (url, "/api/v1/me/messages/", "/api/v1/me/export/", "/api/v1/me/consents/"):
            assert client_for(world.personas[role]).get(path).status_code == 404, (role, path)


def test_my_messages_and_my_consents(world, client_for, measured):
    parent = world.personas["guardian"]
    messages = client_for(parent).get("/api/v1/me/messages/").json()["results"]
    mine = Message.objects.filter(recipient=parent).exclude(status="merged")
    assert len(messages) == mine.count() > 0
    assert all(m["text"].startswith("【新生儿黄疸随访】") and m["kind"] for m in messages)
    consents = client_for(parent).get("/api/v1/me/consents/").json()
    assert {c["infant"] for c in consents} == {str(measured.public_id)}


def test_the_export_holds_everything_about_me(world, client_for, measured):
    parent = world.personas["guardian"]
    question = client_for(parent).post(
        f"/api/v1/infants/{measured.public_id}/questions/",
        {"text": "黄疸什么时候退？", "idempotency_key": "export-question-1"},
        format="json",
    )
    assert question.status_code == 201
    article = Article.objects.create(
        slug="export-test", title_zh="标题", title_en="Title", body_zh_md="x", body_en_md="x"
    )
    rule = EducationRule.objects.create(
        code="export-test", description="test", article=article, trigger="birth"
    )
    EducationSent.objects.create(
        rule=rule, infant=measured, guardian=parent, token="export-token", read_at=timezone.now()
    )
    answer = client_for(parent).get("/api/v1/me/export/")
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    data = answer.json()
    assert data["me"]["phone_number"] == str(parent.phone_number)
    (infant,) = [i for i in data["infants"] if i["id"] == str(measured.public_id)]
    assert len(infant["readings"]) == Reading.objects.filter(infant=measured).count() == 2
    assert len(infant["assessments"]) == measured.assessments.count()
    assert infant["consent"]["given_at"] and "record_viewed" in infant
    assert [q["text"] for q in infant["questions"]] == ["黄疸什么时候退？"]
    assert infant["questions"][0]["asked_by_me"] is True
    (sent,) = infant["articles_sent_to_me"]
    assert sent["rule"] == "export-test" and sent["opened_at"]
    assert (
        len(data["messages"])
        == Message.objects.filter(recipient=parent).exclude(status="merged").count()
    )


def test_erasure_withdraws_unlinks_and_keeps_the_clinical_record(world, client_for, measured):
    parent = world.personas["guardian"]
    phone = str(parent.phone_number)
    client = client_for(parent)
    AuthToken.objects.create(user=parent)
    assert client.post("/api/v1/me/erase/", {"confirm": False}, format="json").status_code == 400
    assert client.post("/api/v1/me/erase/", {"confirm": True}, format="json").status_code == 204

    parent.refresh_from_db()
    assert parent.phone_number is None and parent.first_name == "" and not parent.is_active
    assert parent.username.startswith("erased-") and not parent.has_usable_password()
    assert not AuthToken.objects.filter(user=parent).exists()
    assert all(g.consent_withdrawn_at for g in Guardianship.objects.filter(guardian=parent))
    assert not Message.objects.filter(phone=phone).exists()  # the number is masked
    # The clinical record stays: readings, assessments, their author key.
    assert measured.readings.count() == 2 and measured.assessments.exists()
    assert measured.readings.filter(entered_by=parent).count() == 2
