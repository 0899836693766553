"""`GET /api/v1/infants/{id}/record/`: the whole record in NeoCare's own shape, in scope only,
audited — the same content as FHIR's $everything."""

from neocare.audit.models import AuditEvent


def test_the_record_holds_every_part(world, record, client_for):
    infant, alert, referral, photo = record
    doctor = world.personas["community_doctor"]

    answer = client_for(doctor).get(f"/api/v1/infants/{infant.public_id}/record/")

    assert answer.status_code == 200
    body = answer.json()
    assert body["infant"]["id"] == str(infant.public_id)
    assert len(body["readings"]) == infant.readings.count()
    assert len(body["assessments"]) == infant.assessments.count()
    assert [a["id"] for a in body["alerts"]] == [str(alert.public_id)]
    assert [r["id"] for r in body["referrals"]] == [str(referral.public_id)]
    assert [p["id"] for p in body["photos"]] == [str(photo.public_id)]
    assert body["guardians"][0]["guardian_id"] == str(world.personas["guardian"].public_id)
    assert body["messages"] and all(m["text"] for m in body["messages"])
    assert AuditEvent.objects.filter(actor=doctor, infant=infant, object_type="record").exists()


def test_nobody_outside_the_scope_reads_the_record(world, record, client_for):
    infant = record[0]
    for role in ("community_doctor", "district_doctor", "paediatrician", "guardian"):
        stranger = client_for(world.strangers[role])
        assert stranger.get(f"/api/v1/infants/{infant.public_id}/record/").status_code == 404
    admin = client_for(world.personas["health_admin"])
    assert admin.get(f"/api/v1/infants/{infant.public_id}/record/").status_code == 404
