"""Readings posted through the real stack (gunicorn + PostgreSQL), beside a trivial
authenticated GET as the framework's ceiling, in the same run.

    make bench                # or: .venv/bin/python bench/readings_throughput.py
    BENCH_SECONDS=20 BENCH_CONNECTIONS=8 make bench

Needs PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL to change) and `wrk` (Debian package;
installed here when missing). Everything talks to 127.0.0.1 only. Issue #2's targets:
≥ 400 readings/s, p99 < 50 ms, and ≥ 0.5 × the trivial endpoint's throughput.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/neocare_bench"
)
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8123"))
FAMILIES = 200
TARGETS = {"readings_per_s": 400, "p99_ms": 50, "ratio": 0.5}

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SECRET_KEY": "bench-only",
    "DJANGO_DEBUG": "0",
    "LOG_LEVEL": "ERROR",
    # The per-account rate limit (1,200/minute) would answer most of one token's GETs with 429:
    # the bench measures the work, not the limiter.
    "THROTTLE_USER_RATE": "100000000/minute",
}

SETUP = """
from datetime import timedelta
from django.utils import timezone
from knox.models import AuthToken
from neocare.infants.models import Guardianship, Infant
from neocare.network.models import District, Facility, Region, User

region = Region.objects.create(name="bench")
district = District.objects.create(region=region, name="bench")
centre = Facility.objects.create(district=district, tier="community_centre", name="bench",
                                 address="-", latitude=23, longitude=113)
doctor = User.objects.create(username="bench-doctor", role="community_doctor", facility=centre)
born = timezone.now() - timedelta(hours=48)
families = []
for i in range(%(families)d):
    parent = User.objects.create(username=f"bench-parent-{i}", role="guardian",
                                 phone_number=f"+8613700{i:06d}")
    infant = Infant.objects.create(display_name=f"bench {i}", sex="female", birth_at=born,
        gestational_age_weeks=39, gestational_age_days=0, birth_weight_g=3300,
        registered_centre=centre, feeding="mixed", neurotoxicity_risk_factors=[],
        created_by=doctor)
    Guardianship.objects.create(infant=infant, guardian=parent, relationship="mother",
                                consent_given_at=born)
    families.append([str(infant.public_id), AuthToken.objects.create(user=parent)[1]])
print("FAMILIES=" + __import__("json").dumps(families))
"""

POST_LUA = """
local families = %(families)s
local measured_at = "%(measured_at)s"
local counter = 0
-- Each wrk thread has its own Lua state; setup() hands each a distinct id for its keys.
local next_thread_id = 0
function setup(thread)
  thread:set("thread_tag", tostring(next_thread_id))
  next_thread_id = next_thread_id + 1
end
request = function()
  counter = counter + 1
  local f = families[(counter %% #families) + 1]
  local body = string.format(
    '{"method":"tcb_home","value":%%d,"unit":"umol/L","measured_at":"%%s",' ..
    '"idempotency_key":"bench-%%s-%%d"}', 150 + (counter %% 100), measured_at, thread_tag,
    counter)
  return wrk.format("POST", "/api/v1/infants/" .. f[1] .. "/readings/",
    {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. f[2]}, body)
end
"""

GET_LUA = """
local token = "%(token)s"
request = function()
  return wrk.format("GET", "/api/v1/me/", {["Authorization"] = "Token " .. token})
end
"""


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, cwd=ROOT, env=ENV, text=True, **kwargs)


def fresh_database():
    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0]
    sh("psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}")
    sh("psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}")
    sh(PYTHON, "manage.py", "migrate", "-v0")
    # Readings are scored by the risk model as in production (trained once, kept in var/).
    sh(PYTHON, "manage.py", "train_risk_model", "--if-missing")
    out = sh(
        PYTHON, "manage.py", "shell", "-c", SETUP % {"families": FAMILIES}, capture_output=True
    ).stdout
    return json.loads(out.split("FAMILIES=", 1)[1])


def wait_until_up(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # 401 means the server answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not come up at {url}")


def wrk(script: str, label: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            "-s",
            f.name,
            f"http://127.0.0.1:{PORT}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(f.name)

    def ms(pct):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "label": label,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": ms(50),
        "p99_ms": ms(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def main():
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    families = fresh_database()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "neocare.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/api/v1/me/")
        from datetime import UTC, datetime, timedelta

        measured_at = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lua_families = "{" + ",".join(f'{{"{i}","{t}"}}' for i, t in families) + "}"
        post_script = POST_LUA % {"families": lua_families, "measured_at": measured_at}
        get_script = GET_LUA % {"token": families[0][1]}
        wrk(get_script.replace("%%", "%"), "warm-up")  # JIT-free Python still warms caches
        ceiling = wrk(get_script, "GET /api/v1/me/ (ceiling)")
        readings = wrk(post_script, "POST reading")
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait()

    stored = int(
        sh(
            PYTHON,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from neocare.infants.models import Reading; print(Reading.objects.count())",
            capture_output=True,
        ).stdout.strip()
    )
    ratio = readings["requests_per_s"] / ceiling["requests_per_s"]
    print(
        f"\ngunicorn {WORKERS} sync workers, PostgreSQL, wrk -t2 -c{CONNECTIONS} "
        f"-d{SECONDS}s, {os.cpu_count()} cores shared by server, database and load generator"
    )
    print(f"{'endpoint':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for row in (ceiling, readings):
        print(
            f"{row['label']:<28}{row['requests_per_s']:>10.0f}{row['p50_ms']:>10.1f}"
            f"{row['p99_ms']:>10.1f}{row['non_2xx']:>10}"
        )
    print(f"readings / ceiling throughput ratio: {ratio:.2f}")
    print(f"readings stored: {stored} (wrk counted {readings['requests']} completed POSTs)")
    verdict = {
        f"≥ {TARGETS['readings_per_s']} readings/s": readings["requests_per_s"]
        >= TARGETS["readings_per_s"],
        f"p99 < {TARGETS['p99_ms']} ms": readings["p99_ms"] < TARGETS["p99_ms"],
        f"ratio ≥ {TARGETS['ratio']}": ratio >= TARGETS["ratio"],
    }
    for name, met in verdict.items():
        print(f"target {name}: {'met' if met else 'NOT met'}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "readings_throughput.json").write_text(
        json.dumps(
            {"ceiling": ceiling, "readings": readings, "ratio": ratio, "stored": stored}, indent=2
        )
    )
    for row in (ceiling, readings):
        if row["non_2xx"]:
            sys.exit(f"{row['label']}: {row['non_2xx']} answers were not 2xx; figures invalid")


if __name__ == "__main__":
    main()
