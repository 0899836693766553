"""Offline batch sync: one result per record; a bad record does not sink the others."""

from datetime import timedelta

from django.utils import timezone

from neocare.infants.models import Observation, Reading


def ago(minutes):
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


def reading(infant, key, **change):
    return {
        "infant": str(infant.public_id),
        "method": "tcb_home",
        "value": 180,
        "unit": "umol/L",
        "measured_at": ago(120),
        "idempotency_key": key,
        **change,
    }


def test_sync_reports_each_record_and_keeps_the_good_ones(world, client_for):
    client = client_for(world.personas["guardian"])
    body = {
        "readings": [
            reading(world.ours, "sync-key-001"),
            reading(world.ours, "sync-key-002", value=-4),
            reading(world.theirs, "sync-key-003"),
            reading(world.ours, "sync-key-004", measured_at=ago(60), unit="mg/dL", value="10.5"),
        ],
        "observations": [
            {
                "infant": str(world.ours.public_id),
                "observed_at": ago(90),
                "weight_g": 3010,
                "idempotency_key": "sync-obs-001",
            },
        ],
    }

    response = client.post("/api/v1/sync/", body, format="json")

    assert response.status_code == 200
    results = response.json()
    actions = [r.pop("assessment", {}).get("action") for r in results["readings"]]
    assert actions == ["routine", None, None, "routine"]  # 180 µmol/L, 10.5 mg/dL at ~46 h
    ids = {r.public_id: r.idempotency_key for r in Reading.objects.all()}
    assert results["readings"] == [
        {
            "idempotency_key": "sync-key-001",
            "status": "created",
            "id": str(next(k for k, v in ids.items() if v == "sync-key-001")),
        },
        {
            "idempotency_key": "sync-key-002",
            "status": "invalid",
            "errors": {"value": ["Ensure this value is greater than or equal to 0."]},
        },
        # Another family's infant is "not found", exactly like one that does not exist.
        {
            "idempotency_key": "sync-key-003",
            "status": "invalid",
            "errors": {"infant": ["Not found."]},
        },
        {
            "idempotency_key": "sync-key-004",
            "status": "created",
            "id": str(next(k for k, v in ids.items() if v == "sync-key-004")),
        },
    ]
    assert results["observations"][0]["status"] == "created"
    assert sorted(ids.values()) == ["sync-key-001", "sync-key-004"]
    assert Reading.objects.filter(channel="sync").count() == 2
    assert Observation.objects.count() == 1


def test_resent_batch_answers_duplicate_and_creates_nothing(world, client_for):
    client = client_for(world.personas["guardian"])
    body = {
        "readings": [
            reading(world.ours, "sync-key-101"),
            reading(world.ours, "sync-key-102", measured_at=ago(30)),
        ]
    }
    first = client.post("/api/v1/sync/", body, format="json").json()
    again = client.post("/api/v1/sync/", body, format="json").json()
    assert [r["status"] for r in first["readings"]] == ["created", "created"]
    assert [r["status"] for r in again["readings"]] == ["duplicate", "duplicate"]
    assert [r["id"] for r in again["readings"]] == [r["id"] for r in first["readings"]]
    assert Reading.objects.count() == 2


def test_record_that_is_not_an_object_is_a_400_for_the_envelope(world, client_for):
    response = client_for(world.personas["guardian"]).post(
        "/api/v1/sync/", {"readings": ["oops"]}, format="json"
    )
    assert response.status_code == 400
    assert Reading.objects.count() == 0


def test_too_many_records_are_refused_whole(world, client_for, settings):
    settings.SYNC_MAX_RECORDS = 2
    body = {"readings": [reading(world.ours, f"sync-key-2{i:02d}") for i in range(3)]}
    response = client_for(world.personas["guardian"]).post("/api/v1/sync/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["At most 2 records per sync; send the rest in another request."]
    }
    assert Reading.objects.count() == 0


def test_unknown_envelope_field_is_refused(world, client_for):
    response = client_for(world.personas["guardian"]).post(
        "/api/v1/sync/", {"readings": [], "photos": []}, format="json"
    )
    assert (response.status_code, response.json()) == (400, {"photos": ["Unknown field."]})


def test_reading_posted_by_app_then_resent_by_sync_is_a_duplicate(world, client_for):
    client = client_for(world.personas["guardian"])
    body = reading(world.ours, "sync-key-301")
    direct = client.post(
        f"/api/v1/infants/{world.ours.public_id}/readings/",
        {k: v for k, v in body.items() if k != "infant"},
        format="json",
    )
    synced = client.post("/api/v1/sync/", {"readings": [body]}, format="json").json()
    assert synced["readings"][0].pop("assessment") == direct.json()["assessment"]
    assert synced["readings"] == [
        {"idempotency_key": "sync-key-301", "status": "duplicate", "id": direct.json()["id"]}
    ]
    assert Reading.objects.get().channel == "app"


def test_oversized_body_is_refused_before_parsing(world, client_for):
    # Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) bounds a JSON body; 500 readings are ~150 kB.
    too_many = [reading(world.ours, f"big-key-{i:06d}", device_id="m" * 60) for i in range(12000)]
    response = client_for(world.personas["guardian"]).post(
        "/api/v1/sync/", {"readings": too_many}, format="json"
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is too large; send fewer records at a time."
    }
    assert Reading.objects.count() == 0
