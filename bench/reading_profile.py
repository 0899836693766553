"""Where one reading's time goes: POST readings in process (Django's test client, the same
token authentication as the app) on PostgreSQL, count the queries of one POST by kind and
profile many with cProfile (issue #18: "profile before and after").

    .venv/bin/python bench/reading_profile.py          # BENCH_PROFILE_READINGS=300

PostgreSQL on 127.0.0.1 (BENCH_DATABASE_URL, default neocare_bench_profile, dropped and
recreated). Prints the SQL of one POST, the statements by kind, and the functions with the most
cumulative and own time; writes bench/results/reading_profile.pstats for a closer look
(`python -m pstats`).
"""

import collections
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/neocare_bench_profile"
)
READINGS = int(os.environ.get("BENCH_PROFILE_READINGS", "300"))
FAMILIES = 50
os.environ.update(DATABASE_URL=URL, DJANGO_SECRET_KEY="bench-only", DJANGO_DEBUG="0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neocare.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

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
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from neocare.infants.models import Guardianship, Infant  # noqa: E402
from neocare.network.models import District, Facility, Region, User  # noqa: E402

call_command("migrate", verbosity=0)
call_command("train_risk_model", "--if-missing", verbosity=0)

region = Region.objects.create(name="bench")
district = District.objects.create(region=region, name="bench")
centre = Facility.objects.create(
    district=district,
    tier="community_centre",
    name="bench",
    address="-",
    latitude=23,
    longitude=113,
)
doctor = User.objects.create(username="bench-doctor", role="community_doctor", facility=centre)
born = timezone.now() - timedelta(hours=48)
families = []
for i in range(FAMILIES):
    parent = User.objects.create(
        username=f"bench-parent-{i}", role="guardian", phone_number=f"+8613700{i:06d}"
    )
    infant = Infant.objects.create(
        display_name=f"bench {i}",
        sex="female",
        birth_at=born,
        gestational_age_weeks=39,
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
    families.append((infant.public_id, AuthToken.objects.create(user=parent)[1]))

client = Client()
measured_at = (timezone.now() - timedelta(hours=1)).isoformat()
counter = 0


def post() -> None:
    global counter
    counter += 1
    infant_id, token = families[counter % FAMILIES]
    response = client.post(
        f"/api/v1/infants/{infant_id}/readings/",
        {
            "method": "tcb_home",
            "value": 150 + counter % 100,
            "unit": "umol/L",
            "measured_at": measured_at,
            "idempotency_key": f"profile-{counter}",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 201, response.content


def kind(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper()
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', sql)
    return f"{verb} {table.group(1) if table else ''}".strip()


def main() -> None:
    for _ in range(3 * FAMILIES):  # every family has a history; caches and model warm
        post()
    with CaptureQueriesContext(connection) as queries:
        post()
    print(
        f"one POST (an infant with {3 * FAMILIES // FAMILIES} earlier readings): "
        f"{len(queries)} statements"
    )
    for q in queries.captured_queries:
        print(f"  {q['time']:>6} s  {q['sql'][:150]}")
    by_kind = collections.Counter(kind(q["sql"]) for q in queries.captured_queries)
    print("by kind:", ", ".join(f"{k} ×{n}" for k, n in by_kind.most_common()))

    started = time.perf_counter()
    for _ in range(READINGS):
        post()
    plain = (time.perf_counter() - started) / READINGS * 1000
    print(f"\n{READINGS} POSTs in process, no profiler: {plain:.2f} ms each (one core)")
    print(f"PLAIN_MS={plain:.3f}")

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(READINGS):
        post()
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"\n{READINGS} POSTs in process: {elapsed / READINGS * 1000:.2f} ms each "
        "(under the profiler; one core)"
    )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    profiler.dump_stats(results / "reading_profile.pstats")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(30)
        print(f"\n--- by {order} ---")
        print("\n".join(out.getvalue().splitlines()[6:40]))


if __name__ == "__main__":
    main()
