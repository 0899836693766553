"""Scale test (issue #18): the hot paths at 100,000 infants / 1,000,000 readings and again after
growing the same database to 1,000,000 infants / 10,000,000 readings, side by side in one run.

    .venv/bin/python bench/scale_test.py      # BENCH_SCALE_INFANTS=100000,1000000 by default

PostgreSQL on 127.0.0.1 (BENCH_DATABASE_URL, default database neocare_bench_scale, dropped and
recreated; no other database is touched), migrated as the app migrates. Needs ~40 GB of disk at
the large size (the assessments' stored results are most of it) and takes ~35 minutes.

Data: 11 districts × 3 community centres; each infant born in the last 6–60 days with one
guardian (a user with a phone number) who consented, 10 home TcB readings at 24, 36, … 132 h
entered through the parents' app, each with its assessment, its "reading received" SMS
(delivered) and the audit event of its creation, the infant's latest reminder, and for ~4 % of
infants an alert (active when opened in the last 7 days, resolved before), half of the urgent
ones referred and treated. Every stored assessment result and message is one the app itself
made: a template infant of each course is run through `reading_record` and `notify_assessment`
once (in a transaction rolled back afterwards) and its rows are reused for every infant on that
course, at the same ages.

Loading is PostgreSQL COPY, never the ORM: rows are generated in Python and streamed with
psycopg's `cursor.copy()`; the two JSON-heavy tables (assessments, 3–5 kB of result each, and
messages) are copied into an unlogged staging table with a template key and joined with the
parsed templates in SQL, so PostgreSQL parses each JSON document once, not ten million times.
Secondary indexes and unique constraints of the big tables are dropped around the COPY and
rebuilt after it (rebuilt indexes are denser than ones grown by inserts), foreign-key triggers
are off during the load (the rows are consistent by construction), then VACUUM ANALYZE (the
server runs without autovacuum here).

Measured at each size, in process through Django's test client, RUNS (10) requests each after
one warm-up: (a) a guardian POSTs a reading through the API (knox token), (b) the community
doctor's triage queue, (c) an infant record (community doctor), (d) the regional dashboard for
30 days (administrator, past the second factor). Median and max ms and SQL statements; at the
last size EXPLAIN (ANALYZE, BUFFERS) of each path's slowest statements, sequential scans over
big tables called out, and the candidate indexes created by hand, re-timed and dropped again.
If a `rollups_rebuild` management command exists it is run after each load (and said so).

Environment: BENCH_SCALE_INFANTS (comma-separated sizes), BENCH_SCALE_RUNS, BENCH_SCALE_CHUNK
(infants per COPY batch), BENCH_SCALE_SKIP_INDEX_TRIALS=1, BENCH_SCALE_KEEP=1 (keep the
database afterwards; by default it is dropped at the end, it is ~40 GB).
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/neocare_bench_scale")
SIZES = tuple(int(s) for s in os.environ.get("BENCH_SCALE_INFANTS", "100000,1000000").split(","))
RUNS = int(os.environ.get("BENCH_SCALE_RUNS", "10"))
CHUNK = int(os.environ.get("BENCH_SCALE_CHUNK", "20000"))
EXPLAIN_TOP = 3
os.environ.update(
    DATABASE_URL=URL,
    DJANGO_SECRET_KEY="bench-only",
    DJANGO_DEBUG="0",
    # Tasks published by a POST (the parent's SMS) go nowhere: no broker files, no worker.
    CELERY_BROKER_URL="memory://",
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neocare.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

NAME = URL.rsplit("/", 1)[1]
assert NAME == "neocare_bench_scale" or os.environ.get("BENCH_DATABASE_URL"), NAME
for sql in (f"DROP DATABASE IF EXISTS {NAME}", f"CREATE DATABASE {NAME}"):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from neocare.alerts.models import ACTIVE, Alert  # noqa: E402
from neocare.infants.models import (  # noqa: E402
    Assessment,
    ConsentText,
    Guardianship,
    Infant,
)
from neocare.infants.risk import current_model  # noqa: E402
from neocare.infants.services import reading_record  # noqa: E402
from neocare.messaging.models import Message  # noqa: E402
from neocare.messaging.notify import notify_assessment  # noqa: E402
from neocare.network.models import District, Facility, Region, User  # noqa: E402
from neocare.network.two_factor import needs_second_factor  # noqa: E402

PG_DSN = URL.replace("postgres://", "postgresql://", 1)
NOW = timezone.now().replace(microsecond=0)
DAY = 86400
HOUR = 3600

# --- The care network and its staff (ORM: a few dozen rows) -------------------------------------
call_command("migrate", verbosity=0)
region = Region.objects.create(name="bench")
districts = [District.objects.create(region=region, name=f"区{d:02d}") for d in range(11)]
centres = [
    Facility.objects.create(
        district=d,
        tier="community_centre",
        name=f"{d.name}第{k + 1}社区卫生服务中心",
        address="-",
        latitude=23 + k / 100,
        longitude=113 + d.pk / 100,
    )
    for d in districts
    for k in range(3)
]
district_centres = [
    Facility.objects.create(
        district=d,
        tier="district_centre",
        name=f"{d.name}妇幼保健院",
        address="-",
        latitude=23,
        longitude=113,
    )
    for d in districts
]
hospitals = [
    Facility.objects.create(
        district=districts[h * 4],
        tier="tertiary_hospital",
        name=f"医院{h}",
        address="-",
        latitude=23.1 + h / 50,
        longitude=113.2,
    )
    for h in range(3)
]
doctors = [
    User.objects.create(username=f"c{n}", role="community_doctor", facility=c)
    for n, c in enumerate(centres)
]
for n, c in enumerate(district_centres):
    User.objects.create(username=f"d{n}", role="district_doctor", facility=c)
for n, h in enumerate(hospitals):
    User.objects.create(username=f"p{n}", role="paediatrician", facility=h)
admin = User.objects.create(username="a", role="health_admin", region=region)
consent_text = ConsentText.current()

# --- Courses: what the readings of an infant on each course are, and what the app made of them -
AGES_H = tuple(24 + 12 * k for k in range(10))
PER_INFANT = len(AGES_H)
# (name, share per 1,000 infants, home TcB values in µmol/L at AGES_H)
COURSES = (
    ("fading", 900, (100, 130, 150, 165, 170, 165, 155, 145, 135, 125)),
    ("moderate", 60, (130, 170, 200, 225, 240, 245, 240, 230, 215, 200)),
    ("review", 30, (150, 200, 250, 290, 320, 340, 330, 300, 270, 240)),
    ("urgent", 10, (160, 220, 280, 330, 370, 390, 360, 320, 290, 260)),
)
COURSE_OF = [c for c, (_, share, _) in enumerate(COURSES) for _ in range(share)]
INFANT = dict(
    sex="female",
    gestational_age_weeks=39,
    gestational_age_days=0,
    birth_weight_g=3300,
    feeding="mixed",
    neurotoxicity_risk_factors=[],
    hyperbilirubinemia_risk_factors=[],
)


class Rollback(Exception):
    pass


def course_templates() -> dict:
    """Each course run through the app once: reading_record (as `demo_data` loads a past
    record: announce=False) and the parents' message of each assessment; rolled back after."""
    templates = {}
    try:
        with transaction.atomic():
            for c, (name, _, values) in enumerate(COURSES):
                parent = User.objects.create(
                    username=f"template-{name}", role="guardian", phone_number=f"+8613600{c:06d}"
                )
                infant = Infant.objects.create(
                    display_name="宝宝",
                    birth_at=NOW - timedelta(days=20),
                    registered_centre=centres[0],
                    created_by=doctors[0],
                    **INFANT,
                )
                Guardianship.objects.create(
                    infant=infant,
                    guardian=parent,
                    relationship="mother",
                    consent_given_at=infant.birth_at,
                    consent_text=consent_text,
                )
                for k, (age, value) in enumerate(zip(AGES_H, values, strict=True)):
                    reading_record(
                        infant=infant,
                        method="tcb_home",
                        value=value,
                        unit="umol/L",
                        measured_at=infant.birth_at + timedelta(hours=age),
                        entered_by=parent,
                        channel="app",
                        idempotency_key=f"template-{k}",
                        announce=False,
                    )
                for k, a in enumerate(
                    Assessment.objects.filter(infant=infant)
                    .select_related("reading")
                    .order_by("basis_at", "id")
                ):
                    notify_assessment(a, now=a.basis_at + timedelta(seconds=30))
                    message = Message.objects.filter(infant=infant).order_by("-id").first()
                    templates[c, k] = {
                        "value": values[k],
                        "needs_confirmation": a.reading.needs_confirmation,
                        "action": a.action,
                        "level": a.action_level,
                        "next_s": None
                        if a.next_measurement_at is None
                        else int((a.next_measurement_at - infant.birth_at).total_seconds()),
                        "result": a.result,
                        "guideline_version": a.guideline_version,
                        "risk_probability": a.risk_probability,
                        "risk_model_version": a.risk_model_version,
                        "reminder_kind": a.result.get("next_measurement_kind") or "measurement",
                        "message_template": message.template,
                        "message_params": message.params,
                        "message_urgent": message.urgent,
                    }
            raise Rollback
    except Rollback:
        pass
    return templates


TEMPLATES = course_templates()
MODEL, MODEL_UNAVAILABLE = current_model()


def course_alert(c: int) -> tuple[int, int] | None:
    """(k of the reading that opened it, k of the one that last raised it), or None."""
    levels = [TEMPLATES[c, k]["level"] for k in range(PER_INFANT)]
    opened = next((k for k, lv in enumerate(levels) if lv >= 3), None)
    if opened is None:
        return None
    top = max(levels)
    return opened, levels.index(top)


ALERTS = {c: course_alert(c) for c in range(len(COURSES))}


# --- Synthetic rows, deterministic in the infant's index i ----------------------------------------
def course(i: int) -> int:
    return COURSE_OF[(i * 2654435761) % 1000]


NOW_S = NOW.timestamp()


def birth_s(i: int) -> float:
    """Born 6 to 60 days ago, spread evenly (golden-ratio sequence) at every size."""
    return NOW_S - 6 * DAY - ((i * 0.6180339887498949) % 1.0) * 54 * DAY


def ts(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%d %H:%M:%S+00")


def uuid_hex(n: int) -> list[str]:
    """n random UUIDs as 32 hex digits (PostgreSQL's uuid input accepts them)."""
    raw = os.urandom(16 * n).hex()
    return [raw[32 * j : 32 * j + 32] for j in range(n)]


def hyphenated(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


NULL = "\\N"
CONSENT = consent_text.pk if consent_text else NULL
DISCHARGED_S = 20 * HOUR  # discharged, registered and consented at 20 h; readings from 24 h


def phone(i: int) -> str:
    return f"+86139{i:08d}"


BIG_TABLES = (
    "network_user",
    "infants_infant",
    "infants_guardianship",
    "infants_reading",
    "infants_assessment",
    "messaging_message",
    "messaging_reminder",
    "audit_auditevent",
)
SEQ_TABLES = (*BIG_TABLES, "alerts_alert", "alerts_referral")
STEPS: list[dict] = []  # each load: infant range and the id bases of its rows


def base_ids(cur) -> dict:
    bases = {}
    for table in SEQ_TABLES:
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        bases[table] = cur.fetchone()[0]
    return bases


class Rows:
    """Row text of every table for infants lo..hi, COPY text format, in the order the app would
    have written them: infants (and their guardians) by registration time, readings and what
    each one brings (assessment, message, audit event) by measurement time, ids rising with it.
    The BRIN indexes on the time columns (console migration 0002) rely on that order."""

    def __init__(self, lo: int, hi: int, bases: dict):
        self.lo, self.hi, self.b = lo, hi, bases
        n = hi - lo
        births = np.array([birth_s(i) for i in range(lo, hi)])
        self.born = births.tolist()  # per infant j, computed once
        self.born_text = [ts(b) for b in self.born]
        self.course = [course(i) for i in range(lo, hi)]
        self.by_birth = np.argsort(births, kind="stable")  # position → j (i = lo + j)
        self.infant_pos = np.empty(n, dtype=np.int64)
        self.infant_pos[self.by_birth] = np.arange(n)
        measured = (births[:, None] + np.array(AGES_H, dtype=float) * HOUR).ravel()
        self.by_time = np.argsort(measured, kind="stable")  # rank → f = j * PER_INFANT + k
        self.rank = np.empty(n * PER_INFANT, dtype=np.int64)
        self.rank[self.by_time] = np.arange(n * PER_INFANT)

    def infant_row(self, j: int) -> int:
        """The 1-based row number of infant lo + j (and of its guardian, guardianship)."""
        return int(self.infant_pos[j]) + 1

    def reading_row(self, j: int, k: int) -> int:
        """The 1-based row number of reading k of infant lo + j (and of its assessment, message
        and audit event)."""
        return int(self.rank[j * PER_INFANT + k]) + 1

    def infants_in_order(self):
        """Chunks of (infant row, j), by registration time."""
        for start in range(0, self.hi - self.lo, CHUNK):
            js = self.by_birth[start : start + CHUNK].tolist()
            yield list(zip(range(start + 1, start + 1 + len(js)), js, strict=True))

    def readings_in_order(self):
        """Chunks of (reading row, j, k, infant row), by measurement time."""
        step = CHUNK * PER_INFANT
        for start in range(0, (self.hi - self.lo) * PER_INFANT, step):
            f = self.by_time[start : start + step]
            j = f // PER_INFANT
            yield list(
                zip(
                    range(start + 1, start + 1 + len(f)),
                    j.tolist(),
                    (f % PER_INFANT).tolist(),
                    (self.infant_pos[j] + 1).tolist(),
                    strict=True,
                )
            )

    def users(self, chunk) -> str:
        out = []
        base = self.b["network_user"]
        for (row, j), pid in zip(chunk, uuid_hex(len(chunk)), strict=True):
            i = self.lo + j
            out.append(
                f"{base + row}\t!\tf\tguardian-{i}\t\t\t\tf\tt\t"
                f"{ts(self.born[j] + DISCHARGED_S)}\t{pid}\tguardian\t{phone(i)}\tzh-hans\t\n"
            )
        return "".join(out)

    def infants(self, chunk) -> str:
        out = []
        base = self.b["infants_infant"]
        for (row, j), pid in zip(chunk, uuid_hex(len(chunk)), strict=True):
            i, born = self.lo + j, self.born[j]
            centre = i % len(centres)
            out.append(
                f"{base + row}\t{pid}\t宝宝{i}\tfemale\t{self.born_text[j]}\t39\t0\t3300\t"
                f"{hospitals[i % 3].pk}\t{centres[centre].pk}\t{ts(born + DISCHARGED_S)}\t\t"
                f"mixed\t[]\t[]\t{ts(born + DISCHARGED_S + 600)}\t{doctors[centre].pk}\n"
            )
        return "".join(out)

    def guardianships(self, chunk) -> str:
        out = []
        bg, bi, bu = (self.b[t] for t in ("infants_guardianship", "infants_infant", "network_user"))
        for row, j in chunk:
            out.append(
                f"{bg + row}\tmother\t{ts(self.born[j] + DISCHARGED_S)}\t{bu + row}\t"
                f"{bi + row}\t{CONSENT}\n"
            )
        return "".join(out)

    def readings(self, chunk) -> str:
        out = []
        br, bi, bu = (self.b[t] for t in ("infants_reading", "infants_infant", "network_user"))
        for (row, j, k, infant), pid in zip(chunk, uuid_hex(len(chunk)), strict=True):
            t = TEMPLATES[self.course[j], k]
            at = self.born[j] + AGES_H[k] * HOUR
            out.append(
                f"{br + row}\t{pid}\ttcb_home\t{t['value']}\tumol/L\t{t['value']}\t{ts(at)}\t"
                f"app\t\t{self.lo + j:08x}-phone-{k:04d}\t{ts(at + 2)}\t{bu + infant}\t"
                f"{bi + infant}\t{t['needs_confirmation']}\n"
            )
        return "".join(out)

    def assessments(self, chunk) -> str:
        """Staging rows: the result JSON is joined from the template in SQL."""
        out = []
        ba, br = self.b["infants_assessment"], self.b["infants_reading"]
        bi = self.b["infants_infant"]
        for row, j, k, infant in chunk:
            out.append(
                f"{ba + row}\t{bi + infant}\t{br + row}\t{self.born_text[j]}\t"
                f"{self.course[j] * 100 + k}\n"
            )
        return "".join(out)

    def messages(self, chunk) -> str:
        out = []
        bm, ba = self.b["messaging_message"], self.b["infants_assessment"]
        bi, bu = self.b["infants_infant"], self.b["network_user"]
        for row, j, k, infant in chunk:
            out.append(
                f"{bm + row}\t{bi + infant}\t{bu + infant}\t{phone(self.lo + j)}\t{ba + row}\t"
                f"{self.born_text[j]}\t{self.course[j] * 100 + k}\n"
            )
        return "".join(out)

    def audit(self, chunk) -> str:
        out = []
        bx, bi, bu = (self.b[t] for t in ("audit_auditevent", "infants_infant", "network_user"))
        for (row, j, k, infant), pid in zip(chunk, uuid_hex(len(chunk)), strict=True):
            out.append(
                f"{bx + row}\t{ts(self.born[j] + AGES_H[k] * HOUR + 2)}\tguardian\tcreate\t"
                f"reading\t{hyphenated(pid)}\t\t{bu + infant}\t{bi + infant}\n"
            )
        return "".join(out)

    def reminders(self, chunk) -> str:
        """The latest assessment's reminder (earlier ones were cancelled by the next reading
        and are not loaded)."""
        out = []
        bm, ba = self.b["messaging_reminder"], self.b["infants_assessment"]
        bi = self.b["infants_infant"]
        last = PER_INFANT - 1
        for row, j in chunk:
            t = TEMPLATES[self.course[j], last]
            if t["next_s"] is None:
                continue
            due = self.born[j] + t["next_s"]
            out.append(
                f"{bm + row}\t{ts(due)}\t{'pending' if due > NOW_S else 'done'}\t"
                f"{ts(min(due, NOW_S))}\t{ba + self.reading_row(j, last)}\t{bi + row}\t"
                f"{t['reminder_kind']}\n"
            )
        return "".join(out)

    def alerts_and_referrals(self) -> tuple[str, str]:
        """Alerts in the order they opened (ids rising), referrals after them."""
        opened_alerts = []
        for j in range(self.hi - self.lo):
            i = self.lo + j
            if ALERTS[course(i)] is not None:
                k_open = ALERTS[course(i)][0]
                opened_alerts.append((birth_s(i) + AGES_H[k_open] * HOUR + 5, j))
        opened_alerts.sort()
        alerts, referrals = [], []
        na, nr = self.b["alerts_alert"], self.b["alerts_referral"]
        ba, bi = self.b["infants_assessment"], self.b["infants_infant"]
        for opened, j in opened_alerts:
            i = self.lo + j
            c = course(i)
            k_top = ALERTS[c][1]
            raised = birth_s(i) + AGES_H[k_top] * HOUR + 5
            top = TEMPLATES[c, k_top]
            doctor = doctors[i % len(centres)].pk
            urgent = top["level"] >= 4
            na += 1
            if NOW_S - opened < 7 * DAY:
                status = "open" if i % 2 else "acknowledged"
                acked = NULL if status == "open" else ts(raised + 1800)
                by = NULL if status == "open" else doctor
                resolved, resolver, outcome = NULL, NULL, ""
            else:
                status, acked, by = "resolved", ts(raised + 1200 + (i % 60) * 60), doctor
                resolved, resolver = ts(raised + DAY), doctor
                outcome = "referred" if urgent else "measured_fine"
            alerts.append(
                f"{na}\t{uuid.uuid4().hex}\t{top['action']}\t{top['level']}\t{status}\t"
                f"{ts(opened)}\t{ts(raised)}\t{acked}\t0\t{NULL}\t{resolved}\t{outcome}\t\t"
                f"{by}\t{ba + self.reading_row(j, k_top)}\t{centres[i % len(centres)].pk}\t"
                f"{bi + self.infant_row(j)}\t{resolver}\n"
            )
            if urgent and i % 2 == 0:
                nr += 1
                done = status == "resolved"
                referrals.append(
                    f"{nr}\t{uuid.uuid4().hex}\t\t{'treated' if done else 'sent'}\t"
                    f"{'phototherapy' if done else ''}\t{ts(raised + 3600)}\t"
                    f"{ts(raised + (DAY if done else 3600))}\t{na}\t{hospitals[i % 3].pk}\t"
                    f"{bi + self.infant_row(j)}\t{doctor}\n"
                )
        return "".join(alerts), "".join(referrals)


COLUMNS = {
    "network_user": "id, password, is_superuser, username, first_name, last_name, email, "
    "is_staff, is_active, date_joined, public_id, role, phone_number, language, display_unit",
    "infants_infant": "id, public_id, display_name, sex, birth_at, gestational_age_weeks, "
    "gestational_age_days, birth_weight_g, delivering_hospital_id, registered_centre_id, "
    "discharged_at, hospital_record_number, feeding, neurotoxicity_risk_factors, "
    "hyperbilirubinemia_risk_factors, created_at, created_by_id",
    "infants_guardianship": "id, relationship, consent_given_at, guardian_id, infant_id, "
    "consent_text_id",
    "infants_reading": "id, public_id, method, value_as_sent, unit_as_sent, value_umol_l, "
    "measured_at, channel, device_id, idempotency_key, created_at, entered_by_id, infant_id, "
    "needs_confirmation",
    "bench_stage_assessment": "id, infant_id, reading_id, birth_at, template",
    "bench_stage_message": "id, infant_id, recipient_id, phone, assessment_id, birth_at, template",
    "audit_auditevent": "id, at, actor_role, action, object_type, object_id, reason, actor_id, "
    "infant_id",
    "messaging_reminder": "id, due_at, status, updated_at, assessment_id, infant_id, kind",
    "alerts_alert": "id, public_id, severity, severity_level, status, opened_at, raised_at, "
    "acknowledged_at, escalation_level, escalated_at, resolved_at, outcome, outcome_note, "
    "acknowledged_by_id, assessment_id, centre_id, infant_id, resolved_by_id",
    "alerts_referral": "id, public_id, reason, status, treatment, created_at, updated_at, "
    "alert_id, hospital_id, infant_id, referred_by_id",
}

FROM_STAGE = {
    "infants_assessment": """
        INSERT INTO infants_assessment (id, public_id, basis_at, action, action_level,
            next_measurement_at, result, guideline_version, created_at, infant_id, reading_id,
            risk_model_version, risk_probability)
        SELECT s.id, gen_random_uuid(), s.birth_at + t.age, t.action, t.level,
            s.birth_at + t.next_after, t.result, t.guideline_version,
            s.birth_at + t.age + interval '2 seconds', s.infant_id, s.reading_id,
            t.risk_model_version, t.risk_probability
        FROM bench_stage_assessment s JOIN bench_template t ON t.key = s.template""",
    "messaging_message": """
        INSERT INTO messaging_message (id, public_id, phone, language, template, params, urgent,
            dedupe_key, status, not_before, attempts, last_error, provider_message_id, reason,
            created_at, claimed_at, sent_at, updated_at, infant_id, recipient_id, low_priority)
        SELECT s.id, gen_random_uuid(), s.phone, 'zh-hans', t.message_template, t.params,
            t.urgent, 'assessment:' || s.assessment_id || ':' || s.recipient_id, 'delivered',
            s.birth_at + t.age + interval '3 seconds', 1, '', 'bench-' || s.id, '',
            s.birth_at + t.age + interval '3 seconds', s.birth_at + t.age + interval '4 seconds',
            s.birth_at + t.age + interval '5 seconds', s.birth_at + t.age + interval '40 seconds',
            s.infant_id, s.recipient_id, false
        FROM bench_stage_message s JOIN bench_template t ON t.key = s.template""",
}


def copy(cur, table: str, chunks) -> int:
    """Stream text chunks into `table` with COPY; returns the bytes sent."""
    sent = 0
    with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as out:
        for text in chunks:
            data = text.encode()
            sent += len(data)
            out.write(data)
    return sent


@contextmanager
def without_secondary_indexes(cur, tables):
    """Drop every index but the primary key (and unique constraints) of `tables`, rebuild them
    on exit with the definitions the migrations made."""
    saved = []
    for table in tables:
        cur.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname,
                      pg_get_constraintdef(c.oid)
               FROM pg_index i
               LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'u'
                    AND c.conrelid = i.indrelid
               WHERE i.indrelid = %s::regclass AND NOT i.indisprimary""",
            [table],
        )
        for index, indexdef, constraint, condef in cur.fetchall():
            if constraint:
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
                saved.append(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {condef}')
            else:
                cur.execute(f"DROP INDEX {index}")
                saved.append(indexdef)
    yield
    started = time.perf_counter()
    for sql in saved:
        cur.execute(sql)
    print(f"    {len(saved)} indexes rebuilt in {time.perf_counter() - started:.0f} s", flush=True)


def load(lo: int, hi: int) -> dict:
    """Infants lo..hi with everything they carry; returns the timings of the load's parts."""
    timings = {}
    with psycopg.connect(PG_DSN, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK triggers while loading
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET synchronous_commit = off")
        bases = base_ids(cur)
        rows = Rows(lo, hi, bases)
        STEPS.append({"lo": lo, "hi": hi, "bases": bases, "rows": rows})
        cur.execute(
            """CREATE UNLOGGED TABLE IF NOT EXISTS bench_template (key int PRIMARY KEY,
                   age interval, next_after interval, action text, level smallint, result jsonb,
                   guideline_version text, risk_probability float, risk_model_version text,
                   message_template text, params jsonb, urgent boolean);
               CREATE UNLOGGED TABLE bench_stage_assessment (id bigint, infant_id bigint,
                   reading_id bigint, birth_at timestamptz, template int);
               CREATE UNLOGGED TABLE bench_stage_message (id bigint, infant_id bigint,
                   recipient_id bigint, phone text, assessment_id bigint, birth_at timestamptz,
                   template int);
               TRUNCATE bench_template"""
        )
        with cur.copy(
            "COPY bench_template (key, age, next_after, action, level, result, guideline_version,"
            " risk_probability, risk_model_version, message_template, params, urgent) FROM STDIN"
        ) as out:
            for (c, k), t in TEMPLATES.items():
                out.write_row(
                    (
                        c * 100 + k,
                        timedelta(hours=AGES_H[k]),
                        None if t["next_s"] is None else timedelta(seconds=t["next_s"]),
                        t["action"],
                        t["level"],
                        json.dumps(t["result"], ensure_ascii=False),
                        t["guideline_version"],
                        t["risk_probability"],
                        t["risk_model_version"],
                        t["message_template"],
                        json.dumps(t["message_params"], ensure_ascii=False),
                        t["message_urgent"],
                    )
                )
        with without_secondary_indexes(cur, BIG_TABLES):
            plan = [
                ("network_user", rows.users, rows.infants_in_order),
                ("infants_infant", rows.infants, rows.infants_in_order),
                ("infants_guardianship", rows.guardianships, rows.infants_in_order),
                ("infants_reading", rows.readings, rows.readings_in_order),
                ("bench_stage_assessment", rows.assessments, rows.readings_in_order),
                ("bench_stage_message", rows.messages, rows.readings_in_order),
                ("audit_auditevent", rows.audit, rows.readings_in_order),
                ("messaging_reminder", rows.reminders, rows.infants_in_order),
            ]
            for table, make, order in plan:
                started = time.perf_counter()
                sent = copy(cur, table, (make(chunk) for chunk in order()))
                took = time.perf_counter() - started
                timings[table] = took
                print(f"    COPY {table}: {sent / 1e6:,.0f} MB in {took:.0f} s", flush=True)
            alerts, referrals = rows.alerts_and_referrals()
            copy(cur, "alerts_alert", [alerts])
            copy(cur, "alerts_referral", [referrals])
            for table, sql in FROM_STAGE.items():
                started = time.perf_counter()
                cur.execute(sql)
                took = time.perf_counter() - started
                timings[table] = took
                print(
                    f"    {table}: {cur.rowcount:,} rows from staging + templates in {took:.0f} s",
                    flush=True,
                )
            cur.execute("DROP TABLE bench_stage_assessment, bench_stage_message")
            index_started = time.perf_counter()
        timings["indexes"] = time.perf_counter() - index_started
        for table in SEQ_TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        started = time.perf_counter()
        cur.execute(f"VACUUM (ANALYZE) {', '.join(SEQ_TABLES)}")
        cur.execute("ANALYZE")
        timings["vacuum_analyze"] = time.perf_counter() - started
        print(f"    VACUUM (ANALYZE) in {timings['vacuum_analyze']:.0f} s", flush=True)
    return timings


def rollups() -> str:
    """Issue #18's daily roll-ups, when the command exists in this checkout."""
    if "rollups_rebuild" not in get_commands():
        return "rollups_rebuild: not in this checkout (dashboard reads the raw tables)"
    started = time.perf_counter()
    call_command("rollups_rebuild")
    return f"rollups_rebuild: used, {time.perf_counter() - started:.1f} s"


# --- The hot paths --------------------------------------------------------------------------------
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


def infant_id(i: int) -> int:
    step = next(s for s in STEPS if s["lo"] <= i < s["hi"])
    return step["bases"]["infants_infant"] + step["rows"].infant_row(i - step["lo"])


def guardian_id(i: int) -> int:
    step = next(s for s in STEPS if s["lo"] <= i < s["hi"])
    return step["bases"]["network_user"] + step["rows"].infant_row(i - step["lo"])


def record_infant() -> int:
    """An infant of centre 0 with an active alert, its 10 readings; the same at every size."""
    first = STEPS[0]
    for wanted in (lambda c, i: ALERTS[c] and NOW_S - birth_s(i) < 12 * DAY, lambda c, i: True):
        for i in range(first["lo"], first["hi"], len(centres)):
            if wanted(course(i), i):
                return i
    raise LookupError


class Poster:
    """POST /api/v1/infants/{id}/readings/ as each infant's guardian (knox token), a different
    infant each time, all born 8–25 days ago with their 10 readings (step 0's infants)."""

    def __init__(self):
        first = STEPS[0]
        self.families = [
            i
            for i in range(first["lo"], first["hi"])
            if 8 * DAY < NOW_S - birth_s(i) < 25 * DAY and i % len(centres)
        ]
        self.used = 0
        self.client = Client()

    def __call__(self):
        i = self.families[self.used % len(self.families)]
        self.used += 1
        infant = Infant.objects.get(pk=infant_id(i))
        token = AuthToken.objects.create(user=User.objects.get(pk=guardian_id(i)))[1]
        body = {
            "method": "tcb_home",
            "value": 180 + self.used % 40,
            "unit": "umol/L",
            "measured_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            "idempotency_key": f"scale-{uuid.uuid4().hex[:20]}",
        }
        url = f"/api/v1/infants/{infant.public_id}/readings/"

        def request():
            response = self.client.post(
                url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
            )
            assert response.status_code == 201, (response.status_code, response.content[:300])
            return response

        return request


POST = "POST reading (guardian, API)"
TRIAGE = "triage queue (community doctor)"
RECORD = "infant record (community doctor)"
DASHBOARD = "regional dashboard 30 d (administrator)"
ROLLUP = "roll-ups refresh (beat task, each minute)"
ROLLUP_DAY = "roll-ups: recompute one full day"


def rollups_module():
    """neocare.console.rollups when this checkout has the daily roll-ups, else None."""
    if "rollups_rebuild" not in get_commands():
        return None
    from neocare.console import rollups

    return rollups


def paths():
    record = Infant.objects.get(pk=infant_id(record_infant()))
    community = signed_in(doctors[0])
    administrator = signed_in(admin)
    poster = Poster()

    def get(client, url):
        def request():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return lambda: request

    return {
        POST: poster,
        TRIAGE: get(community, reverse("console:triage")),
        RECORD: get(community, reverse("console:infant", args=[record.public_id])),
        DASHBOARD: get(administrator, reverse("console:region")),
        # What keeps the dashboard's roll-ups current: the days the POSTs above touched, and
        # everything written in the last ROLLUP_LOOKBACK_MINUTES, recomputed from raw rows.
        # Here "today" holds only the few readings of infants born 6 days ago and the POSTs;
        # in the programme today is a full day by the evening, and the beat recomputes it
        # whole each minute that a reading arrives: what one full day (20 days ago) costs.
        **(
            {
                ROLLUP: lambda: rollups_module().refresh,
                ROLLUP_DAY: lambda: (
                    lambda: rollups_module().refresh_day(
                        timezone.localtime(NOW - timedelta(days=20)).date()
                    )
                ),
            }
            if rollups_module()
            else {}
        ),
    }


def timed(prepare) -> tuple[float, list]:
    request = prepare()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        request()
        took = time.perf_counter() - started
    return took * 1000, queries.captured_queries


def measure(runs: int = RUNS, only: tuple[str, ...] = ()) -> dict:
    figures = {}
    for label, prepare in paths().items():
        if only and label not in only:
            continue
        timed(prepare)  # warm-up
        samples, counts = [], []
        for _ in range(runs):
            ms, queries = timed(prepare)
            samples.append(ms)
            counts.append(len(queries))
        low, high = min(counts), max(counts)
        figures[label] = (
            statistics.median(samples),
            max(samples),
            str(low) if low == high else f"{low}–{high}",
        )
        print(
            f"    {label:42s} median {figures[label][0]:8.1f} ms  max {figures[label][1]:8.1f} ms"
            f"  {figures[label][2]:>5s} statements",
            flush=True,
        )
    return figures


# --- EXPLAIN at the largest size ------------------------------------------------------------------
SEQ_SCAN = re.compile(r"(Parallel )?Seq Scan on (\w+).*actual time=\S+ rows=(\d+) loops=(\d+)")
REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")


def explain(sql: str) -> tuple[list[str], list[str], float]:
    """EXPLAIN (ANALYZE, BUFFERS) of one SELECT: the text plan, the sequential scans over big
    tables (rows kept and removed, over all loops and workers), the execution time in ms."""
    big = (*BIG_TABLES, "alerts_alert")
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        text = [row[0] for row in cur.fetchall()]
    scans = []
    for n, line in enumerate(text):
        found = SEQ_SCAN.search(line)
        if found and found.group(2) in big:
            parallel, table, rows, loops = found.groups()
            removed = next(
                (int(m.group(1)) for later in text[n + 1 : n + 6] if (m := REMOVED.search(later))),
                0,
            )
            scans.append(
                f"{'Parallel ' if parallel else ''}Seq Scan on {table}: "
                f"{int(rows) * int(loops):,} rows kept, {removed * int(loops):,} removed by filter"
            )
    ms = float(text[-1].split(":")[1].split()[0]) if "Execution Time" in text[-1] else 0.0
    return text, scans, ms


def print_plan(text: list[str], head: int = 40) -> None:
    """The plan's first `head` lines, then its planning, JIT and execution summary."""
    for line in text[:head]:
        print(f"     {line}")
    tail = next((n for n, line in enumerate(text) if line.startswith("Planning")), len(text))
    if tail > head:
        print(f"     … {tail - head} more lines")
    for line in text[max(head, tail) :]:
        print(f"     {line}")


def readable(sql: str) -> str:
    """A server-side cursor's query (Django's `.iterator()`: DECLARE … FOR SELECT …) as the
    SELECT it runs; other statements as they are."""
    found = re.match(r'DECLARE "\w+" NO SCROLL CURSOR WITH HOLD FOR (.*)', sql, re.S)
    return found.group(1) if found else sql


def explain_paths() -> dict:
    """The dashboard first (still warm from its measurement, which is the last: its scans push
    everything else out of the cache), then the others, each after one warm-up request."""
    findings = {}
    for label, prepare in sorted(paths().items(), key=lambda item: item[0] != DASHBOARD):
        if label != DASHBOARD:
            timed(prepare)
        _, queries = timed(prepare)
        ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"\n=== {label}: {len(queries)} statements, {total:.1f} ms in the database ===")
        for q in ranked[:EXPLAIN_TOP]:
            print(f"  {float(q['time']) * 1000:8.1f} ms  {q['sql'][:160]}")
        selects = [
            sql
            for sql in (readable(q["sql"]) for q in ranked)
            if sql.lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        findings[label] = []
        for sql in selects[:EXPLAIN_TOP]:
            text, scans, ms = explain(sql)
            findings[label].append((sql, scans, ms))
            print(f"\n  -- EXPLAIN (ANALYZE, BUFFERS), {ms:.1f} ms: {sql[:300]}")
            print_plan(text)
            for scan in scans:
                print(f"  !! {scan}")
    return findings


# Indexes tried by hand at the largest size, one after the other, each trial on top of the ones
# before it (so the slow unindexed state is measured once, in the main measurement): (what, the
# Django indexes proposed, the path re-timed). The SQL is what Django's schema editor makes of
# the definition (the definition proposed is the one measured); every index is dropped again
# at the end, leaving the schema as the migrations made it.
INDEX_TRIALS = [
    (
        "assessments at/above the phototherapy threshold, by time (partial)",
        [
            (
                Assessment,
                models.Index(
                    fields=["basis_at"],
                    include=["infant"],
                    condition=Q(reading__isnull=False, result__gap_mg_dl__lte=0),
                    name="assessment_reached_threshold",
                ),
            )
        ],
        (DASHBOARD, ROLLUP, ROLLUP_DAY),
    ),
    (
        "infants by centre, index-only (the triage filter's centre list reads every infant row "
        "of the centre)",
        [(Infant, models.Index(fields=["registered_centre", "id"], name="infant_centre_id"))],
        (TRIAGE,),
    ),
]


def index_trials(before: dict) -> list[dict]:
    """`before`: the figures of the last size's measurement (the state before the first
    trial); each later trial starts from the one before it."""
    outcomes, made, last = [], [], dict(before)
    for what, indexes, labels in INDEX_TRIALS:
        labels = tuple(label for label in labels if label in last)
        built, sqls = [], []
        with connection.schema_editor(atomic=False) as editor:
            for model, index in indexes:
                sql = str(index.create_sql(model, editor))
                print(f"\n  trial ({what}): {sql}", flush=True)
                started = time.perf_counter()
                with connection.cursor() as cur:
                    cur.execute(sql)
                    cur.execute(f"ANALYZE {model._meta.db_table}")
                    cur.execute(
                        "SELECT pg_size_pretty(pg_relation_size(%s::regclass))", [index.name]
                    )
                    built.append((index.name, time.perf_counter() - started, cur.fetchone()[0]))
                sqls.append(sql)
        made += [index.name for _, index in indexes]
        after = measure(only=labels)
        for label in labels:
            _, queries = timed(paths()[label])
            for q in sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:EXPLAIN_TOP]:
                print(f"    now {float(q['time']) * 1000:8.1f} ms  {q['sql'][:140]}")
        outcomes.append(
            {
                "what": what,
                "sql": sqls,
                "django": [f"{model.__name__}: {index!r}" for model, index in indexes],
                "figures": {label: (last[label], after[label]) for label in labels},
                "built": built,
            }
        )
        last.update(after)
    with connection.cursor() as cur:
        for name in made:
            cur.execute(f'DROP INDEX "{name}"')
    return outcomes


def sizes() -> list[tuple[str, str, str]]:
    with connection.cursor() as cur:
        cur.execute(
            """SELECT relname, pg_size_pretty(pg_table_size(oid)),
                      pg_size_pretty(pg_indexes_size(oid))
               FROM pg_class WHERE relname = ANY(%s) ORDER BY pg_total_relation_size(oid) DESC""",
            [list(SEQ_TABLES)],
        )
        return cur.fetchall()


def redundant_indexes() -> list[tuple[str, str, str]]:
    """Single-column indexes (the foreign keys' own) whose column leads another index of the
    same table, which serves the same lookups: (index, size, the index that covers it)."""
    with connection.cursor() as cur:
        cur.execute(
            """SELECT a.indexrelid::regclass::text, pg_size_pretty(pg_relation_size(a.indexrelid)),
                      b.indexrelid::regclass::text
               FROM pg_index a JOIN pg_index b ON a.indrelid = b.indrelid
                    AND a.indexrelid <> b.indexrelid AND b.indkey[0] = a.indkey[0]
                    AND b.indnkeyatts > 1 AND b.indpred IS NULL
               WHERE a.indnatts = 1 AND a.indpred IS NULL AND NOT a.indisunique
                 AND a.indrelid = ANY(%s::regclass[])
               ORDER BY pg_relation_size(a.indexrelid) DESC""",
            [list(SEQ_TABLES)],
        )
        return cur.fetchall()


def main():
    print(
        f"risk model: {MODEL.version if MODEL else 'none (' + str(MODEL_UNAVAILABLE) + ')'}; "
        f"courses: "
        + ", ".join(
            f"{name} {share / 10:g} % "
            f"({'/'.join(TEMPLATES[c, k]['action'][:6] for k in range(PER_INFANT))})"
            for c, (name, share, _) in enumerate(COURSES)
        ),
        flush=True,
    )
    results, loads = [], []
    done = 0
    for size in SIZES:
        print(f"\n## {size:,} infants, {size * PER_INFANT:,} readings", flush=True)
        started = time.perf_counter()
        timings = load(done, size)
        took = time.perf_counter() - started
        loads.append((size, took, timings))
        done = size
        print(f"  loaded {size:,} infants in {took:.0f} s ({took / 60:.1f} min)", flush=True)
        print(f"  {rollups()}", flush=True)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"  database size {cur.fetchone()[0]}")
        for table, heap, indexes in sizes():
            print(f"    {table:24s} table {heap:>8s}  indexes {indexes:>8s}")
        with connection.cursor() as cur:
            cur.execute(
                """SELECT tablename, attname, round(correlation::numeric, 2) FROM pg_stats
                   WHERE (tablename, attname) IN (('infants_reading', 'measured_at'),
                         ('infants_assessment', 'basis_at'), ('infants_infant', 'created_at'))"""
            )
            print(
                "  physical order ~ time (pg_stats.correlation): "
                + ", ".join(f"{t}.{c} {r}" for t, c, r in cur.fetchall())
            )
        active = Alert.objects.filter(status__in=ACTIVE)
        print(
            f"  active alerts: {active.count():,} in the region, "
            f"{active.filter(centre=centres[0]).count():,} on the measured triage queue"
        )
        results.append(measure())

    print("\n## EXPLAIN at", f"{SIZES[-1]:,} infants")
    explain_paths()
    trials = [] if os.environ.get("BENCH_SCALE_SKIP_INDEX_TRIALS") else index_trials(results[-1])

    print("\n## Loads")
    for size, took, timings in loads:
        parts = ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
        print(f"  up to {size:,} infants: {took / 60:.1f} min ({parts})")
    print("\n## Hot paths: median / max ms (statements)")
    header = "".join(f"{f'{s:,} infants':>28s}" for s in SIZES)
    ratio = f"{SIZES[-1] // SIZES[0]}×/1× median" if len(SIZES) > 1 else ""
    print(f"{'path':42s}{header}  {ratio}")
    for label in results[0]:
        cells = "".join(
            f"{r[label][0]:12.1f} / {r[label][1]:8.1f} ({r[label][2]:>5s})" for r in results
        )
        line = f"{label:42s}{cells}"
        if len(SIZES) > 1:
            line += f"  {results[-1][label][0] / results[0][label][0]:6.2f}"
        print(line)
    print(f"\n## Indexes another index already covers, at {SIZES[-1]:,} infants")
    for index, size, covering in redundant_indexes():
        print(f"  {index:48s} {size:>8s}  (covered by {covering})")
    if trials:
        print(f"\n## Index trials at {SIZES[-1]:,} infants: median / max ms, before → after")
        for t in trials:
            print(f"  {t['what']}")
            for label, (was, now) in t["figures"].items():
                print(f"    {label}: {was[0]:.1f} / {was[1]:.1f} → {now[0]:.1f} / {now[1]:.1f} ms")
            for (_name, took, size), sql, django_index in zip(
                t["built"], t["sql"], t["django"], strict=True
            ):
                print(f"    {sql}\n      built in {took:.0f} s, {size}\n      {django_index}")


if __name__ == "__main__":
    try:
        main()
    finally:
        if not os.environ.get("BENCH_SCALE_KEEP"):  # ~40 GB at 1,000,000 infants
            connection.close()
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE {NAME}"],
                check=False,
            )
