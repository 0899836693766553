"""Console pages with 1,000 and then 100,000 infants, side by side in one run (issue #7:
"well under a second with the demo data and stays fast with 100,000 infants").

    .venv/bin/python bench/console_pages.py        # BENCH_INFANTS=100000 by default

PostgreSQL on 127.0.0.1 (BENCH_DATABASE_URL, default database neocare_bench_console, dropped
and recreated). Rows are bulk-inserted (3 readings and assessments per infant, an alert for
about 2 %, half of those referred, reminders); each page is requested in process through
Django's test client, 10 times, and the median and max are printed with the query count.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/neocare_bench_console"
)
SIZES = (1_000, int(os.environ.get("BENCH_INFANTS", "100000")))
RUNS = 10
os.environ.update(DATABASE_URL=URL, DJANGO_SECRET_KEY="bench-only", DJANGO_DEBUG="0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neocare.settings")

NAME = URL.rsplit("/", 1)[1]
for sql in (f"DROP DATABASE IF EXISTS {NAME}", f"CREATE DATABASE {NAME}"):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from neocare.alerts.models import Alert, Referral  # noqa: E402
from neocare.console import rollups  # noqa: E402
from neocare.console.stats import counts_raw  # noqa: E402
from neocare.infants.models import Assessment, Infant, Reading  # noqa: E402
from neocare.messaging.models import Reminder  # noqa: E402
from neocare.network.models import District, Facility, Region, User  # noqa: E402
from neocare.network.two_factor import needs_second_factor  # noqa: E402

call_command("migrate", verbosity=0)
NOW = timezone.now()
region = Region.objects.create(name="bench")
districts = [District.objects.create(region=region, name=f"D{d}") for d in range(11)]
centres = [
    Facility.objects.create(
        district=d,
        tier="community_centre",
        name=f"{d.name}-C{k}",
        address="-",
        latitude=23 + k / 100,
        longitude=113,
    )
    for d in districts
    for k in range(3)
]
district_centre = Facility.objects.create(
    district=districts[0],
    tier="district_centre",
    name="DC",
    address="-",
    latitude=23,
    longitude=113,
)
hospital = Facility.objects.create(
    district=districts[0],
    tier="tertiary_hospital",
    name="H",
    address="-",
    latitude=23.1,
    longitude=113,
)
users = {
    "community_doctor": User.objects.create(
        username="c", role="community_doctor", facility=centres[0]
    ),
    "district_doctor": User.objects.create(
        username="d", role="district_doctor", facility=district_centre
    ),
    "paediatrician": User.objects.create(username="p", role="paediatrician", facility=hospital),
    "health_admin": User.objects.create(username="a", role="health_admin", region=region),
}
creator = users["community_doctor"]
VALUES = (8.0, 11.0, 14.5)


def add_infants(start: int, stop: int) -> None:
    batch = 5000
    for lo in range(start, stop, batch):
        hi = min(stop, lo + batch)
        infants = Infant.objects.bulk_create(
            Infant(
                display_name=f"Infant {i}",
                sex="female",
                birth_at=NOW - timedelta(hours=24 + (i % 600)),
                gestational_age_weeks=39,
                gestational_age_days=0,
                birth_weight_g=3300,
                registered_centre=centres[i % len(centres)],
                feeding="mixed",
                neurotoxicity_risk_factors=[],
                created_by=creator,
            )
            for i in range(lo, hi)
        )
        readings = Reading.objects.bulk_create(
            Reading(
                infant=infant,
                method="tcb_home",
                value_as_sent=v,
                unit_as_sent="mg/dL",
                value_umol_l=v * 17.1,
                measured_at=infant.birth_at + timedelta(hours=12 * (k + 1)),
                entered_by=creator,
                channel="clinician",
                idempotency_key=f"{infant.pk}-{k}",
            )
            for infant in infants
            for k, v in enumerate(VALUES)
        )
        assessments = Assessment.objects.bulk_create(
            Assessment(
                infant=r.infant,
                reading=r,
                basis_at=r.measured_at,
                action="urgent_referral" if r.infant.pk % 50 == 0 and k == 2 else "routine",
                action_level=4 if r.infant.pk % 50 == 0 and k == 2 else 1,
                next_measurement_at=r.measured_at + timedelta(hours=24),
                result={"value_mg_dl": float(r.value_as_sent), "gap_mg_dl": 2.0 - k, "reasons": []},
                guideline_version="bench",
            )
            for n, r in enumerate(readings)
            for k in [n % 3]
        )
        flagged = [a for a in assessments if a.action_level == 4]
        alerts = Alert.objects.bulk_create(
            Alert(
                infant=a.infant,
                centre=a.infant.registered_centre,
                severity=a.action,
                severity_level=4,
                assessment=a,
                opened_at=NOW - timedelta(hours=2),
                raised_at=NOW - timedelta(hours=2),
                status="open" if n % 2 else "resolved",
                acknowledged_at=None if n % 2 else NOW - timedelta(hours=1),
                acknowledged_by=None if n % 2 else creator,
                resolved_at=None if n % 2 else NOW - timedelta(minutes=30),
                resolved_by=None if n % 2 else creator,
                outcome="" if n % 2 else "referred",
            )
            for n, a in enumerate(flagged)
        )
        Referral.objects.bulk_create(
            Referral(
                infant=a.infant,
                alert=a,
                hospital=hospital,
                referred_by=creator,
                status="treated",
                treatment="phototherapy",
            )
            for a in alerts
            if a.status == "resolved"
        )
        Reminder.objects.bulk_create(
            Reminder(infant=a.infant, assessment=a, due_at=a.next_measurement_at)
            for a in assessments
            if a.reading.measured_at == a.infant.birth_at + timedelta(hours=36)
        )


def pages() -> list[tuple[str, str]]:
    alert = Alert.objects.filter(centre=centres[0]).select_related("infant").first()
    return [
        ("community_doctor", reverse("console:triage")),
        ("district_doctor", reverse("console:triage")),
        ("community_doctor", reverse("console:infant", args=[alert.infant.public_id])),
        ("paediatrician", reverse("console:referrals")),
        ("district_doctor", reverse("console:district")),
        ("health_admin", reverse("console:region")),
    ]


def signed_in(user) -> Client:
    """A console session, past the second factor for the accounts that need one."""
    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.get_or_create(user=user, name="bench")[0]
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure() -> dict:
    figures = {}
    for role, url in pages():
        client = signed_in(users[role])
        client.get(url)  # warm
        samples = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        label = f"{role:16s} {url.split('/')[2]}"
        figures[label] = (statistics.median(samples) * 1000, max(samples) * 1000, len(queries))
    return figures


def counts_side_by_side(size: int) -> None:
    """The dashboard's counts of 30 days from the raw rows and from the roll-ups, alternating."""
    end = timezone.now()
    start = end - timedelta(days=30)
    start, end = (
        rollups.day_bounds(rollups.local_day(start))[0],
        rollups.day_bounds(rollups.local_day(end))[1],
    )
    samples = {"raw": [], "roll-ups": []}
    for _ in range(RUNS):
        for name, count in (("raw", counts_raw), ("roll-ups", rollups.counts)):
            began = time.perf_counter()
            figures = count(region, start, end)
            samples[name].append(time.perf_counter() - began)
        assert figures == counts_raw(region, start, end)
    raw, rolled = (statistics.median(samples[k]) * 1000 for k in ("raw", "roll-ups"))
    print(
        f"dashboard counts, 30 days, {size:,} infants: raw {raw:.1f} ms, roll-ups {rolled:.1f} ms "
        f"(median of {RUNS}, alternating; equal)"
    )


def main():
    results = []
    done = 0
    for size in SIZES:
        started = time.perf_counter()
        add_infants(done, size)
        done = size
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{size:,} infants loaded in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        days = rollups.rebuild()
        print(f"roll-ups rebuilt ({days} days) in {time.perf_counter() - started:.1f} s")
        results.append(measure())
        counts_side_by_side(size)
    print(
        f"\n{'page':34s}"
        + "".join(f"{f'{s:,} infants: median / max ms (queries)':>44s}" for s in SIZES)
    )
    for label in results[0]:
        cells = "".join(
            f"{r[label][0]:17.1f} / {r[label][1]:7.1f}  ({r[label][2]:2d} queries)      "
            for r in results
        )
        print(f"{label:34s}{cells}")
    if BASELINE_REF:  # BENCH_BASELINE_REF= (empty) skips it
        record_page_against_baseline()


# Issue #14: the record page (summary, grouped timeline, chart in µmol/L) must stay within 1.2×
# of the record page before it, at 100,000 infants. Both are timed here on the same data,
# alternating, the baseline from a git worktree of BENCH_BASELINE_REF.
BASELINE_REF = os.environ.get("BENCH_BASELINE_REF", "680067b")
ROUNDS, PER_ROUND = 5, 10


def record_page_against_baseline() -> None:
    baseline = Path("/tmp/neocare-bench-baseline")
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
        capture_output=True,
    )
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), BASELINE_REF],
        check=True,
        capture_output=True,
    )
    samples = {"baseline": [], "now": []}
    try:
        for _ in range(ROUNDS):
            for name, tree in (("baseline", baseline), ("now", ROOT)):
                out = subprocess.run(
                    [sys.executable, str(ROOT / "bench/record_page_probe.py"), str(PER_ROUND)],
                    env={**os.environ, "PYTHONPATH": str(tree)},
                    cwd=tree,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                samples[name] += json.loads(out.stdout.strip().splitlines()[-1])["samples_ms"]
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
            capture_output=True,
        )
    medians = {k: statistics.median(v) for k, v in samples.items()}
    print(
        f"\nrecord page at {SIZES[-1]:,} infants, {ROUNDS}×{PER_ROUND} requests each, "
        f"alternating: before issue #14 ({BASELINE_REF}) {medians['baseline']:.1f} ms median, "
        f"now {medians['now']:.1f} ms — ratio {medians['now'] / medians['baseline']:.2f} "
        f"(target ≤ 1.20)"
    )


if __name__ == "__main__":
    main()
