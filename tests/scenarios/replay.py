"""Replay a scenario through the API on a frozen clock, and write what happened as the book.

Each scenario gets its own small city: one community centre with its doctor, the district
centre with its doctor, one tertiary hospital with its paediatrician, and two guardians — the
mother reads Chinese, the father English — so every text appears in both languages. The clock
stands still at each moment (time-machine); birth is 2026-11-02 08:00 in Guangzhou.
"""

import io
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone, translation
from rest_framework.test import APIClient

from neocare.alerts.models import Alert, Referral
from neocare.alerts.services import alerts_escalate
from neocare.infants.assessments import assessment_latest
from neocare.infants.models import (
    ActionLevel,
    Guardianship,
    HyperbilirubinemiaRiskFactor,
    Infant,
    NeurotoxicityRiskFactor,
)
from neocare.messaging.models import Message, Reminder
from neocare.messaging.reminders import reminders_dispatch
from neocare.messaging.services import _render, messages_send
from neocare.network.models import District, Facility, Region, User
from neocare.photos.models import Photo
from neocare.photos.services import PhotoOutcome, photo_outcome_record
from risk_model.guideline import parse_gestational_age
from risk_model.photo import Estimate
from tests.scenarios import steps as S

CITY = ZoneInfo("Asia/Shanghai")
BIRTH = datetime(2026, 11, 2, 8, 0, tzinfo=CITY)
LANGUAGES = ("zh-hans", "en")


@dataclass
class StepRecord:
    """What one step did, as the book shows it."""

    title: str
    status: int | None
    action: str | None = None
    action_code: str | None = None
    own_action: str | None = None  # the record's own assessment, when it is not the latest
    next_measurement: str = ""
    next_due_age_h: float | None = None
    alert: str = "—"
    referral: str = "—"
    reminder: str = "—"
    messages: list[tuple[str, str]] = field(default_factory=list)  # (who, text)
    clinician: dict = field(default_factory=dict)  # language → text
    advice: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Replay:
    def __init__(self, scenario: S.Scenario):
        self.scenario = scenario
        self.records: list[StepRecord] = []
        self._seen_message = 0

    # --- the city --------------------------------------------------------------------------
    def _build(self) -> None:
        region = Region.objects.create(name="广州市")
        district = District.objects.create(region=region, name="越秀区")
        place = {"latitude": Decimal("23.13"), "longitude": Decimal("113.27")}
        centre = Facility.objects.create(
            district=district,
            tier=Facility.Tier.COMMUNITY_CENTRE,
            name="越秀区第1社区卫生服务中心",
            address="广州市越秀区健康街10号",
            **place,
        )
        district_centre = Facility.objects.create(
            district=district,
            tier=Facility.Tier.DISTRICT_CENTRE,
            name="越秀区妇幼保健院",
            address="广州市越秀区妇幼路1号",
            **place,
        )
        self.hospital = Facility.objects.create(
            district=district,
            tier=Facility.Tier.TERTIARY_HOSPITAL,
            name="广州市妇女儿童医疗中心",
            address="广州市天河区金穗路9号",
            latitude=Decimal("23.13"),
            longitude=Decimal("113.32"),
        )
        role = User.Role
        self.people = {
            "community_doctor": User.objects.create(
                username="community",
                role=role.COMMUNITY_DOCTOR,
                facility=centre,
                phone_number="+8613700000001",
                language="zh-hans",
            ),
            "district_doctor": User.objects.create(
                username="district",
                role=role.DISTRICT_DOCTOR,
                facility=district_centre,
                phone_number="+8613700000002",
                language="zh-hans",
            ),
            "paediatrician": User.objects.create(
                username="paediatrician", role=role.PAEDIATRICIAN, facility=self.hospital
            ),
            "mother": User.objects.create(
                username="mother",
                role=role.GUARDIAN,
                phone_number="+8613800000001",
                language="zh-hans",
            ),
            "father": User.objects.create(
                username="father",
                role=role.GUARDIAN,
                phone_number="+8613800000002",
                language="en",
            ),
        }
        self.people["parent"] = self.people["mother"]
        spec = self.scenario.infant
        weeks, days = parse_gestational_age(spec.ga)
        self.infant = Infant.objects.create(
            public_id=uuid.uuid5(uuid.NAMESPACE_URL, f"neocare-scenario:{self.scenario.id}"),
            display_name="陈宝宝",
            sex=spec.sex,
            birth_at=BIRTH,
            gestational_age_weeks=weeks,
            gestational_age_days=days,
            birth_weight_g=spec.birth_weight_g,
            delivering_hospital=self.hospital,
            registered_centre=centre,
            discharged_at=BIRTH + timedelta(hours=30),
            feeding=spec.feeding,
            neurotoxicity_risk_factors=None
            if spec.neurotoxicity is None
            else list(spec.neurotoxicity),
            hyperbilirubinemia_risk_factors=list(spec.hyperbilirubinemia),
            created_by=self.people["paediatrician"],
        )
        for who, relationship in (("mother", "mother"), ("father", "father")):
            Guardianship.objects.create(
                infant=self.infant,
                guardian=self.people[who],
                relationship=relationship,
                consent_given_at=BIRTH + timedelta(hours=2),
            )

    def _client(self, who: str) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(self.people[who])
        return client

    # --- replay ----------------------------------------------------------------------------
    def run(self) -> list[StepRecord]:
        with time_machine.travel(BIRTH, tick=False) as clock:
            self._build()
            for number, step in enumerate(self.scenario.steps, start=1):
                record = self._do(step, number, clock)
                _send_due()  # what a worker sends at once
                self._observe(record)
                self.records.append(record)
                _check(self.scenario.id, number, step, record, self)
        return self.records

    def _at(self, hours: float) -> datetime:
        return BIRTH + timedelta(hours=hours)

    def _do(self, step, number: int, clock) -> StepRecord:
        base = f"/api/v1/infants/{self.infant.public_id}"
        if isinstance(step, S.Reading):
            clock.move_to(self._at(step.at_h + step.late_h))
            body = self._reading_body(step, number)
            response = self._client(step.by).post(f"{base}/readings/", body, format="json")
            return self._after_record(step, response, _describe_reading(step))
        if isinstance(step, S.Sync):
            clock.move_to(self._at(step.at_h))
            body = {
                "readings": [
                    {**self._reading_body(r, f"{number}-{i}"), "infant": str(self.infant.public_id)}
                    for i, r in enumerate(step.readings, start=1)
                ]
            }
            response = self._client("parent").post("/api/v1/sync/", body, format="json")
            title = f"{step.at_h:g} h — offline phone syncs {len(step.readings)} readings: " + (
                "; ".join(_describe_reading(r, when=True) for r in step.readings)
            )
            return StepRecord(title=title, status=response.status_code)
        if isinstance(step, S.Observation):
            clock.move_to(self._at(step.at_h + step.late_h))
            body = {
                "observed_at": self._at(step.at_h).isoformat(),
                "idempotency_key": f"{self.scenario.id}-obs-{number}",
                **step.values,
            }
            response = self._client("parent").post(f"{base}/observations/", body, format="json")
            shown = ", ".join(f"{k} = {v}" for k, v in step.values.items())
            return self._after_record(step, response, f"{step.at_h:g} h — parent reports {shown}")
        if isinstance(step, S.Photo):
            clock.move_to(self._at(step.at_h + step.late_h))
            response = self._client("parent").post(
                f"{base}/photos/",
                {
                    "image": _tiny_jpeg(),
                    "taken_at": self._at(step.at_h).isoformat(),
                    "body_site": "forehead",
                    "card_rect": '{"x": 0.2, "y": 0.2, "w": 0.6, "h": 0.6}',
                    "idempotency_key": f"{self.scenario.id}-photo-{number}",
                },
                format="multipart",
            )
            photo = Photo.objects.get(public_id=response.json()["id"])
            estimate = Estimate(step.estimate_mg_dl, step.low_mg_dl, step.high_mg_dl)
            photo_outcome_record(
                photo.pk,
                PhotoOutcome(Photo.Status.USABLE, estimate=estimate, estimator_version="book"),
            )
            title = (
                f"{step.at_h:g} h — skin photo, estimate {step.estimate_mg_dl:.1f} mg/dL "
                f"(90 % band {step.low_mg_dl:.1f}–{step.high_mg_dl:.1f})"
            )
            return StepRecord(title=title, status=response.status_code)
        if isinstance(step, S.Refer):
            clock.move_to(self._at(step.at_h))
            alert = Alert.objects.get(infant=self.infant, status__in=("open", "acknowledged"))
            response = self._client("community_doctor").post(
                f"/api/v1/alerts/{alert.public_id}/refer/", {"reason": "书中场景"}, format="json"
            )
            return StepRecord(
                title=f"{step.at_h:g} h — community doctor refers to the nearest hospital",
                status=response.status_code,
            )
        if isinstance(step, S.Phototherapy):
            clock.move_to(self._at(step.at_h))
            referral = Referral.objects.filter(infant=self.infant).latest("created_at")
            url = f"/api/v1/referrals/{referral.public_id}/status/"
            client = self._client("paediatrician")
            if referral.status == Referral.Status.TREATED:
                # The course is on the record already: its end comes with closing the referral.
                body = {"status": "closed"}
            else:
                for status in ("accepted", "arrived"):
                    client.post(url, {"status": status}, format="json")
                body = {
                    "status": "treated",
                    "treatment": "phototherapy",
                    "phototherapy_started_at": self._at(step.start_h).isoformat(),
                }
            if step.stop_h is not None:
                body["phototherapy_stopped_at"] = self._at(step.stop_h).isoformat()
            response = client.post(url, body, format="json")
            stop = "still running" if step.stop_h is None else f"stopped at {step.stop_h:g} h"
            return StepRecord(
                title=(
                    f"{step.at_h:g} h — paediatrician records phototherapy, started at "
                    f"{step.start_h:g} h, {stop}"
                ),
                status=response.status_code,
            )
        if isinstance(step, S.HospitalSeen):
            clock.move_to(self._at(step.at_h))
            referral = Referral.objects.filter(infant=self.infant).latest("created_at")
            url = f"/api/v1/referrals/{referral.public_id}/status/"
            client = self._client("paediatrician")
            for status in ("accepted", "arrived"):
                client.post(url, {"status": status}, format="json")
            client.post(url, {"status": "treated", "treatment": "none"}, format="json")
            response = client.post(url, {"status": "closed"}, format="json")
            return StepRecord(
                title=f"{step.at_h:g} h — the hospital sees the infant: no treatment, closed",
                status=response.status_code,
            )
        if isinstance(step, S.Thresholds):
            clock.move_to(self._at(step.at_h))
            body = {"phototherapy": str(step.phototherapy), "unit": step.unit, "note": "book"}
            if step.exchange is not None:
                body["exchange"] = str(step.exchange)
            response = self._client("paediatrician").post(
                f"{base}/thresholds/", body, format="json"
            )
            exchange = "" if step.exchange is None else f", exchange {step.exchange:g}"
            return StepRecord(
                title=(
                    f"{step.at_h:g} h — paediatrician sets this infant's thresholds: "
                    f"phototherapy {step.phototherapy:g}{exchange} {step.unit}"
                ),
                status=response.status_code,
            )
        if isinstance(step, S.Wait):
            clock.move_to(self._at(step.until_h))
            now = timezone.now()
            _send_due()  # what quiet hours held until now goes first, as the sweeper sends it
            reminders_dispatch(now=now)
            _send_due()
            alerts_escalate(now=now)
            return StepRecord(
                title=f"{step.until_h:g} h — time passes; reminders and escalation run",
                status=None,
            )
        raise TypeError(step)

    def _reading_body(self, step: S.Reading, number) -> dict:
        return {
            "method": step.method,
            "value": str(step.value),
            "unit": step.unit,
            "measured_at": self._at(step.at_h).isoformat(),
            "idempotency_key": step.key or f"{self.scenario.id}-r-{number}",
        }

    def _after_record(self, step, response, title: str) -> StepRecord:
        record = StepRecord(title=title, status=response.status_code)
        body = response.json()
        own = body.get("assessment") if isinstance(body, dict) else None
        if body.get("late_entry"):
            record.notes.append("late entry: history, not news")
        if body.get("needs_confirmation"):
            record.notes.append(f"needs confirmation: {body['needs_confirmation']['code']}")
        if response.status_code >= 400:
            record.notes.append(f"refused: {body}")
        latest = assessment_latest(self.infant)
        if own and latest and own["id"] != str(latest.public_id):
            record.own_action = _action_label(own["action"])
        return record

    # --- what people see after a step ------------------------------------------------------
    def _observe(self, record: StepRecord) -> None:
        latest = assessment_latest(self.infant)
        if latest is not None:
            result = latest.result
            record.action = _action_label(latest.action)
            record.action_code = latest.action
            record.clinician = {
                lang: ("" if lang == "zh-hans" else " ").join(
                    r["clinician"][lang] for r in result["reasons"]
                )
                for lang in LANGUAGES
            }
            record.advice = dict(result["advice"])
            due = latest.next_measurement_at
            if due is not None:
                age = (due - BIRTH).total_seconds() / 3600
                record.next_due_age_h = round(age, 1)
                record.next_measurement = f"by {_local(due)} (age {age:.1f} h)"
            elif result.get("decided_by") == "treating_team":
                record.next_measurement = "the treating team decides"
            else:
                record.next_measurement = "at hospital, now"
        alert = Alert.objects.filter(infant=self.infant).order_by("-opened_at", "-id").first()
        if alert is not None:
            record.alert = (
                f"{alert.get_severity_display()} · {alert.get_status_display()}"
                + (f" · {alert.get_escalation_level_display()}" if alert.escalation_level else "")
                + (f" · {alert.get_outcome_display()}" if alert.outcome else "")
            )
        referral = Referral.objects.filter(infant=self.infant).order_by("-created_at").first()
        if referral is not None:
            record.referral = f"{referral.hospital.name} · {referral.get_status_display()}" + (
                f" · {referral.get_treatment_display()}" if referral.treatment else ""
            )
        reminder = Reminder.objects.filter(
            infant=self.infant, status__in=("pending", "first_sent")
        ).first()
        if reminder is not None:
            age = (reminder.due_at - BIRTH).total_seconds() / 3600
            stage = "" if reminder.status == "pending" else ", first reminder already given"
            record.reminder = f"due {_local(reminder.due_at)} (age {age:.1f} h){stage}"
        new = Message.objects.filter(pk__gt=self._seen_message).order_by("pk")
        for message in new:
            who = _recipient(message, self.people)
            shown = message.status not in ("pending", "sent")
            state = f" [{message.get_status_display()}]" if shown else ""
            record.messages.append((f"{who}{state}", _render(message)))
            self._seen_message = max(self._seen_message, message.pk)


def _send_due() -> None:
    """Send every message due now through the real send path (the console gateway)."""
    due = Message.objects.filter(status="pending", not_before__lte=timezone.now())
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if ids:
        messages_send(ids)


def _check(scenario_id: str, number: int, step, record: StepRecord, replay: Replay) -> None:
    """What the scenario states it expects at this step (the book records the rest)."""
    expect = getattr(step, "expect", {}) or {}
    where = f"{scenario_id} step {number}"
    if "status" in expect:
        assert record.status == expect["status"], (where, record.status, record.notes)
    elif record.status is not None:
        assert record.status < 400, (where, record.status, record.notes)
    if "action" in expect:
        assert record.action_code == expect["action"], (where, record.action_code)
    if "due_h" in expect:
        assert record.next_due_age_h == expect["due_h"], (where, record.next_due_age_h)
    if "hospital_now" in expect:
        assert record.next_measurement == "at hospital, now", (where, record.next_measurement)
    if "parent_texts" in expect:
        to_parents = [m for m in record.messages if m[0].startswith("parent")]
        assert len(to_parents) == expect["parent_texts"], (where, to_parents)
    if "alert" in expect:
        assert record.alert.startswith(expect["alert"]), (where, record.alert)
    if "note" in expect:
        assert any(expect["note"] in n for n in record.notes), (where, record.notes)
    if "says" in expect:
        assert expect["says"] in record.clinician["en"] + record.advice.get("en", ""), where


def _describe_reading(step: S.Reading, when: bool = False) -> str:
    names = {
        "tcb_home": "home TcB",
        "tcb_clinic": "clinic TcB",
        "tsb_lab": "lab TSB",
        "visual": "visual estimate",
    }
    who = {"parent": "parent", "community_doctor": "community doctor"}.get(step.by, step.by)
    value = f"{step.value:g} {'µmol/L' if step.unit == 'umol/L' else 'mg/dL'}"
    late = ""
    if step.late_h >= 1:
        late = f", entered {step.late_h:g} h later"
    at = f"{step.at_h:g} h"
    if when:
        return f"{names[step.method]} {value} at {at}"
    return f"{at} — {who}: {names[step.method]} {value}{late}"


def _label(choices, code: str) -> str:
    with translation.override("en"):
        return str(choices(code).label)


def _action_label(code: str) -> str:
    level = ActionLevel.from_code(code)
    labels = []
    for language in LANGUAGES:
        with translation.override(language):
            labels.append(str(level.label))
    return f"{labels[1]} · {labels[0]}"


def _local(instant: datetime) -> str:
    return timezone.localtime(instant, CITY).strftime("%m-%d %H:%M")


def _recipient(message: Message, people: dict) -> str:
    for name in ("mother", "father", "community_doctor", "district_doctor"):
        if people[name].pk == message.recipient_id:
            return {
                "mother": "parent (zh)",
                "father": "parent (en)",
                "community_doctor": "community doctor (zh)",
                "district_doctor": "district doctor (zh)",
            }[name]
    return message.recipient.username


def _tiny_jpeg():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 160, 120)).save(out, format="JPEG")
    return SimpleUploadedFile("skin.jpg", out.getvalue(), content_type="image/jpeg")


# --- the book -------------------------------------------------------------------------------
def render_scenario(scenario: S.Scenario, records: list[StepRecord]) -> str:
    spec = scenario.infant
    neuro = (
        "not assessed"
        if spec.neurotoxicity is None
        else (", ".join(_label(NeurotoxicityRiskFactor, c) for c in spec.neurotoxicity) or "none")
    )
    others = ", ".join(_label(HyperbilirubinemiaRiskFactor, c) for c in spec.hyperbilirubinemia)
    feeding = _label(Infant.Feeding, spec.feeding)
    lines = [
        f"<!-- scenario: {scenario.id} -->",
        f'<a id="{scenario.id}"></a>',
        "",
        f"### {scenario.title}",
        "",
        f"*{scenario.why}*",
        "",
        f"Infant: {spec.ga} weeks, {spec.birth_weight_g} g, {feeding}; "
        f"neurotoxicity risk factors: {neuro}"
        + (f"; other risk factors: {others}" if others else "")
        + ". Born 11-02 08:00.",
        "",
    ]
    for number, record in enumerate(records, start=1):
        lines.append(f"**{number}. {record.title}**")
        lines.append("")
        if record.notes:
            lines.append(f"- Note: {'; '.join(record.notes)}")
        if record.action:
            own = (
                f" (this record's own assessment: {record.own_action})" if record.own_action else ""
            )
            lines.append(f"- Action now: {record.action}{own}")
            lines.append(f"- Next measurement: {record.next_measurement}")
        lines.append(f"- Alert: {record.alert} · Referral: {record.referral}")
        lines.append(f"- Reminder: {record.reminder}")
        for who, text in record.messages:
            lines.append(f"- SMS to {who}: {text}")
        if record.advice:
            lines.append(
                f"- Parent advice (app): {record.advice['zh-hans']} / {record.advice['en']}"
            )
        if record.clinician:
            lines.append(f"- Clinician (zh): {record.clinician['zh-hans']}")
            lines.append(f"- Clinician (en): {record.clinician['en']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
