"""Issue #5's pipeline with a real Celery worker, Redis and PostgreSQL, same run:

1. Latency: a dangerous reading posted through the API (in-process DRF client) → the parent's
   message handed to the gateway (a fake HTTP gateway on 127.0.0.1 stamps its arrival).
   Target: p99 < 1 s.
2. Reminder fan-out: N reminders due at once → outbox rows (the beat task's dispatch) → every
   message handed to the gateway by the worker(s). Messages per second, against the target of
   180,000 within 10 minutes (300/s).

    .venv/bin/python bench/alerts_pipeline.py        # BENCH_REMINDERS=5000 BENCH_WORKERS=2

Uses its own database (neocare_bench_alerts) and Redis database 14, both emptied first.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "neocare_bench_alerts"
BROKER = "redis://127.0.0.1:6379/14"
READINGS = int(os.environ.get("BENCH_READINGS", "200"))
# The first readings load the risk model in this process and warm the workers; reported apart.
WARM_UP = 5
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "5000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))

os.environ.update(
    DJANGO_SETTINGS_MODULE="neocare.settings",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only"),
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
    CELERY_BROKER_URL=BROKER,
    SMS_GATEWAY="http",
    SMS_QUIET_START_HOUR="0",
    SMS_QUIET_END_HOUR="0",
    SMS_DAILY_BUDGET_PER_PHONE="100",
    LOG_LEVEL="WARNING",
)

from bench.stack import fresh_database, start_workers  # noqa: E402
from tests.fake_sms_gateway import FakeGateway  # noqa: E402


def main():
    fresh_database(DB)
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.test import APIClient

    from neocare.infants.models import Assessment, Guardianship, Infant, Reading
    from neocare.messaging.models import Message, Reminder
    from neocare.messaging.reminders import reminders_dispatch
    from neocare.network.models import District, Facility, Region, User

    region = Region.objects.create(name="Bench")
    district = District.objects.create(region=region, name="Bench")
    centre = Facility.objects.create(
        district=district,
        tier="community_centre",
        name="Centre",
        address="1 Road",
        latitude=23.1,
        longitude=113.3,
    )
    Facility.objects.create(
        district=district,
        tier="tertiary_hospital",
        name="Hospital",
        address="2 Road",
        latitude=23.2,
        longitude=113.3,
    )
    doctor = User.objects.create(username="doctor", role="community_doctor", facility=centre)
    born = timezone.now() - timedelta(hours=50)

    def family(i):
        parent = User.objects.create(
            username=f"p{i}", role="guardian", phone_number=f"+86137{i:08d}", language="zh-hans"
        )
        infant = Infant.objects.create(
            display_name=f"B{i}",
            sex="female",
            birth_at=born,
            gestational_age_weeks=38,
            gestational_age_days=0,
            birth_weight_g=3300,
            registered_centre=centre,
            feeding="mixed",
            neurotoxicity_risk_factors=[],
            created_by=doctor,
        )
        Guardianship.objects.create(
            infant=infant, guardian=parent, relationship="mother", consent_given_at=born
        )
        return parent, infant

    with FakeGateway() as gateway:
        # The gateway's batch API as a Chinese provider's (BENCH_BATCH_API=0: one call each).
        batch_url = gateway.batch_url if os.environ.get("BENCH_BATCH_API", "1") == "1" else ""
        workers = start_workers(gateway.url, batch_url=batch_url, count=WORKERS)
        try:
            time.sleep(6)  # workers connect
            # 1. Latency, one dangerous reading at a time.
            latencies = []
            for i in range(READINGS):
                parent, infant = family(i)
                client = APIClient()
                client.force_authenticate(parent)
                start = time.time()
                response = client.post(
                    f"/api/v1/infants/{infant.public_id}/readings/",
                    {
                        "method": "tsb_lab",
                        "value": "16.5",
                        "unit": "mg/dL",
                        "idempotency_key": f"bench-reading-{i:06d}",
                        "measured_at": (born + timedelta(hours=48)).isoformat(),
                    },
                    format="json",
                )
                assert response.status_code == 201, response.content
                key = str(Message.objects.get(recipient=parent).public_id)
                while key not in gateway.arrivals:
                    time.sleep(0.002)
                latencies.append(gateway.arrivals[key] - start)
            cold, latencies = latencies[:WARM_UP], sorted(latencies[WARM_UP:])
            p50 = latencies[len(latencies) // 2] * 1000
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
            print(
                f"reading → gateway, {len(latencies)} dangerous readings after {WARM_UP} "
                f"warm-up, {WORKERS} worker(s): p50 {p50:.0f} ms, p99 {p99:.0f} ms, mean "
                f"{statistics.fmean(latencies) * 1000:.0f} ms (target p99 < 1000 ms); "
                f"warm-up readings: {', '.join(f'{c * 1000:.0f}' for c in cold)} ms"
            )

            # 2. Reminder fan-out.
            families = [family(READINGS + i) for i in range(REMINDERS)]
            template = Assessment.objects.filter(reading__isnull=False).first()
            due = timezone.now() - timedelta(minutes=1)
            # Each reminder hangs on a reading's assessment: bulk-created here (no messages),
            # as if the readings had arrived a day ago.
            readings = Reading.objects.bulk_create(
                Reading(
                    infant=infant,
                    method="tcb_home",
                    value_as_sent=150,
                    unit_as_sent="umol/L",
                    value_umol_l=150,
                    measured_at=due - timedelta(hours=1),
                    entered_by=parent,
                    channel="app",
                    idempotency_key=f"bench-fan-{k:07d}",
                )
                for k, (parent, infant) in enumerate(families)
            )
            assessments = Assessment.objects.bulk_create(
                Assessment(
                    infant=r.infant,
                    reading=r,
                    basis_at=r.measured_at,
                    action="routine",
                    action_level=1,
                    result=template.result,
                    guideline_version=template.guideline_version,
                )
                for r in readings
            )
            Reminder.objects.bulk_create(
                Reminder(infant=a.infant, assessment=a, due_at=due) for a in assessments
            )
            before = len(gateway.arrivals)
            start = time.time()
            dispatched = reminders_dispatch()
            queued = time.time()
            while len(gateway.arrivals) - before < REMINDERS:
                time.sleep(0.05)
                if time.time() - start > 1800:
                    break
            done = time.time()
            sent = len(gateway.arrivals) - before
            rate = sent / (done - start)
            print(
                f"reminder fan-out, {REMINDERS} due at once, {WORKERS} worker(s): dispatch "
                f"{dispatched} in {queued - start:.1f} s ({dispatched / (queued - start):.0f}/s)"
                f"; {sent} at the gateway after {done - start:.1f} s = {rate:.0f} messages/s "
                f"(target 180,000 in 600 s = 300/s; at this rate: "
                f"{180_000 / rate / 60:.0f} min); gateway calls: "
                f"{len(gateway.requests) - len(gateway.batches)} single, {len(gateway.batches)} "
                f"batches of {statistics.fmean(gateway.batches or [0]):.0f} on average"
            )
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                w.wait(timeout=30)


if __name__ == "__main__":
    main()
