"""The audit trail: every read and write of an infant's record, append-only, scoped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.audit.models import AuditEvent


def test_reading_an_infant_record_is_audited_with_role(world, client_for):
    doctor = world.personas["community_doctor"]
    client_for(doctor).get(f"/api/v1/infants/{world.ours.public_id}/")
    client_for(doctor).get(f"/api/v1/infants/{world.ours.public_id}/readings/")
    events = AuditEvent.objects.filter(actor=doctor).order_by("id")
    assert [(e.actor_role, e.infant, e.action, e.object_type) for e in events] == [
        ("community_doctor", world.ours, "view", "infant"),
        ("community_doctor", world.ours, "view", "readings"),
    ]


def test_listing_audits_each_infant_shown(world, client_for):
    from tests.factories import InfantFactory

    second = InfantFactory(registered_centre=world.centre_a1)
    doctor = world.personas["community_doctor"]
    client_for(doctor).get("/api/v1/infants/")
    assert set(
        AuditEvent.objects.filter(actor=doctor, action="list").values_list("infant", flat=True)
    ) == {world.ours.id, second.id}


def test_out_of_scope_attempt_leaves_no_view_event(world, client_for):
    stranger = world.strangers["community_doctor"]
    client_for(stranger).get(f"/api/v1/infants/{world.ours.public_id}/")
    assert not AuditEvent.objects.filter(actor=stranger).exists()


def test_audit_rows_cannot_be_changed_or_deleted(world, client_for):
    client_for(world.personas["community_doctor"]).get(f"/api/v1/infants/{world.ours.public_id}/")
    event = AuditEvent.objects.get()
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get().reason == ""


def test_district_doctor_sees_their_districts_trail_only(world, client_for):
    client_for(world.personas["community_doctor"]).get(f"/api/v1/infants/{world.ours.public_id}/")
    client_for(world.strangers["paediatrician"]).get(f"/api/v1/infants/{world.theirs.public_id}/")

    rows = client_for(world.personas["district_doctor"]).get("/api/v1/audit-events/").json()
    assert [(r["infant"], r["actor_role"]) for r in rows["results"]] == [
        (str(world.ours.public_id), "community_doctor")
    ]


def test_administrator_sees_their_regions_trail_only(world, client_for):
    client_for(world.personas["community_doctor"]).get(f"/api/v1/infants/{world.ours.public_id}/")
    client_for(world.strangers["paediatrician"]).get(f"/api/v1/infants/{world.theirs.public_id}/")

    ours = client_for(world.personas["health_admin"]).get("/api/v1/audit-events/").json()
    theirs = client_for(world.strangers["health_admin"]).get("/api/v1/audit-events/").json()
    assert [r["infant"] for r in ours["results"]] == [str(world.ours.public_id)]
    assert [r["infant"] for r in theirs["results"]] == [str(world.theirs.public_id)]


@pytest.mark.parametrize("role", ["guardian", "community_doctor", "paediatrician"])
def test_other_roles_see_no_audit_trail(world, client_for, role):
    client_for(world.personas["community_doctor"]).get(f"/api/v1/infants/{world.ours.public_id}/")
    rows = client_for(world.personas[role]).get("/api/v1/audit-events/").json()
    assert rows["results"] == []


def test_reading_creation_is_audited(world, client_for):
    parent = world.personas["guardian"]
    client_for(parent).post(
        f"/api/v1/infants/{world.ours.public_id}/readings/",
        {
            "method": "tcb_home",
            "value": 100,
            "unit": "umol/L",
            "idempotency_key": "audit-key-1",
            "measured_at": (timezone.now() - timedelta(minutes=3)).isoformat(),
        },
        format="json",
    )
    event = AuditEvent.objects.get(action="create")
    assert (event.actor, event.actor_role, event.infant, event.object_type) == (
        parent,
        "guardian",
        world.ours,
        "reading",
    )
