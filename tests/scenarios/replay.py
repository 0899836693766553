"""Replay a scenario through the API on a frozen clock, and write what happened as the book.

Each scenario gets its own small city: one community centre with its doctor, the district
centre with its doctor, one tertiary hospital with its paediatrician, and two guardians — the
mother reads Chinese, the father English — so every text appears in both languages. The clock
stands still at each moment (time-machine); birth is 2026-11-02 08:00 in Guangzhou. A scenario
with a step about a twin (`twin=True`) gets a second infant of the same parents, born the same
moment: one phone for both.
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
from neocare.console.selectors import QueueFacts
from neocare.infants.assessments import assessment_latest
from neocare.infants.models import (
    ActionLevel,
    FollowUpStatus,
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
    plan: str = "—"  # the plan's open requests, soonest first
    plan_kinds: tuple[str, ...] = ()
    messages: list[tuple[str, str]] = field(default_factory=list)  # (who, text)
    held: int = 0  # how many of the step's new messages wait (quiet hours, daily budget)
    earlier: list[str] = field(default_factory=list)  # what became of texts held before
    clinician: dict = field(default_factory=dict)  # language → text
    advice: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Replay:
    def __init__(self, scenario: S.Scenario):
        self.scenario = scenario
        self.records: list[StepRecord] = []
        self._seen_message = 0
        self.twin = None
        # Messages shown as held at an earlier step: pk → (step number, who).
        self._held: dict[int, tuple[int, str]] = {}

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
        # A neighbouring district of the same region, whose doctor cannot open this family's
        # record: escalation must never page them (the book would show it).
        neighbour = Facility.objects.create(
            district=District.objects.create(region=region, name="天河区"),
            tier=Facility.Tier.DISTRICT_CENTRE,
            name="天河区妇幼保健院",
            address="广州市天河区妇幼路2号",
            **place,
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
            "neighbour_district_doctor": User.objects.create(
                username="neighbour",
                role=role.DISTRICT_DOCTOR,
                facility=neighbour,
                phone_number="+8613700000003",
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
        twins = _has_twin(self.scenario)
        self.infant = self._infant(centre, "陈大宝" if twins else "陈宝宝", "")
        if twins:
            self.twin = self._infant(centre, "陈二宝", ":twin")

    def _infant(self, centre: Facility, name: str, suffix: str) -> Infant:
        spec = self.scenario.infant
        weeks, days = parse_gestational_age(spec.ga)
        infant = Infant.objects.create(
            public_id=uuid.uuid5(
                uuid.NAMESPACE_URL, f"neocare-scenario:{self.scenario.id}{suffix}"
            ),
            display_name=name,
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
                infant=infant,
                guardian=self.people[who],
                relationship=relationship,
                consent_given_at=BIRTH + timedelta(hours=2),
            )
        return infant

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
                self._observe(record, number, self._subject(step))
                self.records.append(record)
                _check(self.scenario.id, number, step, record, self)
        return self.records

    def _at(self, hours: float) -> datetime:
        return BIRTH + timedelta(hours=hours)

    def _move(self, clock, instant: datetime) -> None:
        """Time passes to `instant`. What quiet hours or the daily budget held goes when it
        falls due, as the sweeper (every minute) would send it — not when the next step
        happens — so that its fate (sent, merged, withdrawn) is decided at its own time."""
        while True:
            held = (
                Message.objects.filter(
                    status="pending", not_before__gt=timezone.now(), not_before__lte=instant
                )
                .order_by("not_before")
                .values_list("not_before", flat=True)
                .first()
            )
            if held is None:
                break
            clock.move_to(held)
            _send_due()
        clock.move_to(instant)

    def _subject(self, step) -> Infant:
        """The infant a step is about: the twin's, or the first infant."""
        return self.twin if getattr(step, "twin", False) else self.infant

    def _whose(self, step) -> str:
        """In a scenario with twins, whose record a step is written on."""
        return "" if self.twin is None else f"{self._subject(step).display_name}: "

    def _do(self, step, number: int, clock) -> StepRecord:
        subject = self._subject(step)
        base = f"/api/v1/infants/{subject.public_id}"
        whose = self._whose(step)
        if isinstance(step, S.Reading):
            self._move(clock, self._at(step.at_h + step.late_h))
            body = self._reading_body(step, number)
            response = self._client(step.by).post(f"{base}/readings/", body, format="json")
            return self._after_record(step, response, _describe_reading(step, whose=whose))
        if isinstance(step, S.Sync):
            self._move(clock, self._at(step.at_h))
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
            self._move(clock, self._at(step.at_h + step.late_h))
            body = {
                "observed_at": self._at(step.at_h).isoformat(),
                "idempotency_key": f"{self.scenario.id}-obs-{number}",
                **step.values,
            }
            response = self._client("parent").post(f"{base}/observations/", body, format="json")
            shown = ", ".join(f"{k} = {v}" for k, v in step.values.items())
            return self._after_record(
                step, response, f"{step.at_h:g} h — {whose}parent reports {shown}"
            )
        if isinstance(step, S.Photo):
            self._move(clock, self._at(step.at_h + step.late_h))
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
            self._move(clock, self._at(step.at_h))
            alert = Alert.objects.get(infant=self.infant, status__in=("open", "acknowledged"))
            response = self._client("community_doctor").post(
                f"/api/v1/alerts/{alert.public_id}/refer/", {"reason": "书中场景"}, format="json"
            )
            return StepRecord(
                title=f"{step.at_h:g} h — community doctor refers to the nearest hospital",
                status=response.status_code,
            )
        if isinstance(step, S.Phototherapy):
            self._move(clock, self._at(step.at_h))
            referral = Referral.objects.filter(infant=self.infant).latest("created_at")
            url = f"/api/v1/referrals/{referral.public_id}/status/"
            client = self._client("paediatrician")
            if referral.status == Referral.Status.TREATED:
                # The course is on the record already: its end comes with closing the referral,
                # or is recorded on the treated referral, which stays open.
                body = {"status": "closed" if step.close else "treated"}
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
            if step.stop_h is not None and not step.close:
                stop += " (the referral stays open)"
            return StepRecord(
                title=(
                    f"{step.at_h:g} h — paediatrician records phototherapy, started at "
                    f"{step.start_h:g} h, {stop}"
                ),
                status=response.status_code,
            )
        if isinstance(step, S.HospitalSeen):
            self._move(clock, self._at(step.at_h))
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
            self._move(clock, self._at(step.at_h))
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
        if isinstance(step, S.Facts):
            self._move(clock, self._at(step.at_h))
            response = self._client(step.by).post(
                f"{base}/facts/", {**step.changes, "reason": step.reason}, format="json"
            )
            shown = ", ".join(f"{k} = {_shown_fact(v)}" for k, v in step.changes.items())
            return _response_record(
                response,
                f"{step.at_h:g} h — {whose}{_who(step.by)} corrects the facts: {shown} "
                f"(“{step.reason}”)",
            )
        if isinstance(step, S.FollowUp):
            self._move(clock, self._at(step.at_h))
            response = self._client(step.by).post(
                f"{base}/follow-up-status/",
                {"status": step.status, "reason": step.reason},
                format="json",
            )
            return _response_record(
                response,
                f"{step.at_h:g} h — {whose}{_who(step.by)} sets the follow-up to "
                f"{_label(FollowUpStatus, step.status)} (“{step.reason}”)",
            )
        if isinstance(step, S.ClosePlanRequest):
            self._move(clock, self._at(step.at_h))
            client = self._client(step.by)
            plan = client.get(f"{base}/plan/").json()
            asked = next(r for r in plan["open"] if r["kind"] == step.kind)
            response = client.post(
                f"{base}/plan/{asked['id']}/close/", {"reason": step.reason}, format="json"
            )
            return _response_record(
                response,
                f"{step.at_h:g} h — {whose}{_who(step.by)} closes the plan's "
                f"{asked['kind_label']} request (“{step.reason}”)",
            )
        if isinstance(step, S.Question):
            self._move(clock, self._at(step.at_h))
            response = self._client("parent").post(
                f"{base}/questions/",
                {"text": step.text, "idempotency_key": f"{self.scenario.id}-q-{number}"},
                format="json",
            )
            record = _response_record(
                response, f"{step.at_h:g} h — {whose}parent asks the doctors: “{step.text}”"
            )
            body = response.json() if response.status_code < 400 else {}
            for key, shown in (
                ("danger_words", "read as a danger sign"),
                ("mentioned_words", "mentioned, unconfirmed"),
                ("today_words", "a doctor today"),
            ):
                if body.get(key):
                    record.notes.append(f"{shown}: {', '.join(body[key])}")
            if body.get("answer_due_at"):
                due = datetime.fromisoformat(body["answer_due_at"])
                record.notes.append(f"answer due by {_local(due)}")
            if body.get("answered_by_system"):
                record.notes.append("answered at once by the system")
            return record
        if isinstance(step, S.Acknowledge):
            self._move(clock, self._at(step.at_h))
            alert = Alert.objects.get(infant=subject, status="open")
            response = self._client("community_doctor").post(
                f"/api/v1/alerts/{alert.public_id}/acknowledge/", format="json"
            )
            return _response_record(
                response, f"{step.at_h:g} h — {whose}community doctor acknowledges the alert"
            )
        if isinstance(step, S.Wait):
            self._move(clock, self._at(step.until_h))
            now = timezone.now()
            _send_due()  # what quiet hours held until now goes first, as the sweeper sends it
            reminders_dispatch(now=now)
            _send_due()
            alerts_escalate(now=now)
            return StepRecord(
                title=f"{step.until_h:g} h — {whose}time passes; reminders and escalation run",
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
        latest = assessment_latest(self._subject(step))
        if own and latest and own["id"] != str(latest.public_id):
            record.own_action = _action_label(own["action"])
        return record

    # --- what people see after a step ------------------------------------------------------
    def _observe(self, record: StepRecord, number: int, infant: Infant) -> None:
        latest = assessment_latest(infant)
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
        alert = Alert.objects.filter(infant=infant).order_by("-opened_at", "-id").first()
        if alert is not None:
            record.alert = (
                f"{alert.get_severity_display()} · {alert.get_status_display()}"
                + _alert_value(alert)
                + (f" · {alert.get_escalation_level_display()}" if alert.escalation_level else "")
                + (f" · {alert.get_outcome_display()}" if alert.outcome else "")
                + (_queue_row(latest) if alert.status in ("open", "acknowledged") else "")
            )
        referral = Referral.objects.filter(infant=infant).order_by("-created_at").first()
        if referral is not None:
            record.referral = f"{referral.hospital.name} · {referral.get_status_display()}" + (
                f" · {referral.get_treatment_display()}" if referral.treatment else ""
            )
        reminder = Reminder.objects.filter(
            infant=infant, status__in=("pending", "first_sent")
        ).first()
        if reminder is not None:
            age = (reminder.due_at - BIRTH).total_seconds() / 3600
            stage = "" if reminder.status == "pending" else ", first reminder already given"
            record.reminder = f"due {_local(reminder.due_at)} (age {age:.1f} h){stage}"
        self._observe_plan(record, infant)
        now = timezone.now()
        fates: dict[tuple[int, str], list[str]] = {}
        for pk, (step, who) in list(self._held.items()):
            message = Message.objects.get(pk=pk)
            if message.status == "pending" and message.not_before > now:
                continue
            del self._held[pk]
            if message.status == "pending":
                state = "due now, not yet sent"
            elif message.status == "sent":
                state = f"sent {_local(message.sent_at)}"
            else:
                state = str(message.get_status_display()) + (
                    f" ({message.reason})" if message.reason else ""
                )
            fates.setdefault((step, state), []).append(who)
        record.earlier = [
            f"from step {step} to {', '.join(whom)}: {state}"
            for (step, state), whom in fates.items()
        ]
        new = Message.objects.filter(pk__gt=self._seen_message).order_by("pk")
        for message in new:
            who = _recipient(message, self.people)
            if message.status == "pending" and message.not_before > now:
                state = f" [held until {_local(message.not_before)}]"
                self._held[message.pk] = (number, who)
                record.held += 1
            elif message.status in ("pending", "sent"):
                state = ""
            else:
                state = f" [{message.get_status_display()}]"
            record.messages.append((f"{who}{state}", _render(message)))
            self._seen_message = max(self._seen_message, message.pk)

    def _observe_plan(self, record: StepRecord, infant: Infant) -> None:
        """The plan's open requests, as the API gives them to the community doctor (both
        infants' in a scenario with twins, the step's own infant's kinds for `expect`)."""
        client = self._client("community_doctor")
        shown = []
        for each in [self.infant] if self.twin is None else [self.infant, self.twin]:
            response = client.get(f"/api/v1/infants/{each.public_id}/plan/")
            assert response.status_code == 200, response.json()
            requests = response.json()["open"]
            if each == infant:
                record.plan_kinds = tuple(r["kind"] for r in requests)
            text = "; ".join(_describe_request(r) for r in requests) or "—"
            shown.append(text if self.twin is None else f"{each.display_name}: {text}")
        record.plan = " · ".join(shown)


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
    if "doctor_texts" in expect:
        to_doctor = [m for m in record.messages if m[0].startswith("community doctor")]
        assert len(to_doctor) == expect["doctor_texts"], (where, to_doctor)
    if "alert" in expect:
        assert record.alert.startswith(expect["alert"]), (where, record.alert)
    if "note" in expect:
        assert any(expect["note"] in n for n in record.notes), (where, record.notes)
    if "says" in expect:
        assert expect["says"] in record.clinician["en"] + record.advice.get("en", ""), where
    if "not_says" in expect:
        text = record.clinician.get("en", "") + record.advice.get("en", "")
        assert expect["not_says"] not in text, (where, text)
    if "plan" in expect:
        assert record.plan_kinds == tuple(expect["plan"]), (where, record.plan)
    if "held" in expect:
        assert record.held == expect["held"], (where, record.messages)
    if "earlier" in expect:
        assert expect["earlier"] in "; ".join(record.earlier), (where, record.earlier)


def _alert_value(alert: Alert) -> str:
    """The value the alert shows (the triage queue's row), when a reading set it."""
    reading = alert.assessment.reading
    if reading is None:
        return ""
    method = {
        "tcb_home": "TcB",
        "tcb_clinic": "TcB",
        "tsb_lab": "TSB",
        "visual": "visual estimate",
    }[reading.method]
    unit = "µmol/L" if reading.unit_as_sent == "umol/L" else "mg/dL"
    return f" · {method} {reading.value_as_sent.normalize():f} {unit}"


def _queue_row(latest) -> str:
    """What the active alert's row in the triage queue shows as the value and gap: the
    infant's newest assessment, as the console's selector gives it."""
    if latest is None:
        return ""
    facts = QueueFacts.of(latest)
    with translation.override("en"):
        basis = f" ({facts.basis})" if facts.basis else ""
    if facts.value is None:
        return f" · queue row: no value{basis}"
    gap = "" if facts.gap is None else f", Δ {facts.gap.mg_dl} mg/dL"
    return f" · queue row: {facts.value.umol_l} µmol/L{gap}{basis}"


def _has_twin(scenario: S.Scenario) -> bool:
    return any(getattr(step, "twin", False) for step in scenario.steps)


def _response_record(response, title: str) -> StepRecord:
    record = StepRecord(title=title, status=response.status_code)
    if response.status_code >= 400:
        record.notes.append(f"refused: {response.json()}")
    return record


def _who(by: str) -> str:
    return {"community_doctor": "community doctor", "district_doctor": "district doctor"}.get(
        by, by
    )


def _shown_fact(value) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _describe_request(request: dict) -> str:
    """One open request of the plan, in a few words: what, by when, why."""
    what = "blood test (TSB)"
    detail = request.get("detail") or {}
    if request["kind"] == "confirm":
        if detail.get("unit_sent") == "mg/dL":
            value = f"{detail.get('value_mg_dl'):g} mg/dL"
        else:
            value = f"{detail.get('value_umol_l')} µmol/L"
        what = f"confirm the {value} ({detail.get('needs_confirmation')})"
    due = request["due_at"]
    when = "at hospital, now" if due is None else f"by {_local(datetime.fromisoformat(due))}"
    reasons = ", ".join(r for r in request["reasons"] if r != "value_needs_confirmation")
    return f"{what} {when}, {request['action']}" + (f" ({reasons})" if reasons else "")


def _describe_reading(step: S.Reading, when: bool = False, whose: str = "") -> str:
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
    return f"{at} — {whose}{who}: {names[step.method]} {value}{late}"


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
    names = {
        "mother": "parent (zh)",
        "father": "parent (en)",
        "community_doctor": "community doctor (zh)",
        "district_doctor": "district doctor (zh)",
        "neighbour_district_doctor": "天河区 district doctor (zh), who cannot open the record",
    }
    for name, shown in names.items():
        if people[name].pk == message.recipient_id:
            return shown
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
        lines.append(f"- Plan: {record.plan}")
        lines.append(f"- Alert: {record.alert} · Referral: {record.referral}")
        lines.append(f"- Reminder: {record.reminder}")
        if record.earlier:
            lines.append(f"- Held SMS: {'; '.join(record.earlier)}")
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
