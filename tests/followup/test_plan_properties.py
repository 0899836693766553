"""Issue #26, the plan's properties over generated courses: whatever the sequence of readings,
observations, clinicians' closes and clocks (nights included), no text is delivered whose
advice is less urgent than the plan at the moment it goes, none names a time already past, the
latest assessment never asks less than an open request holds, and no request ends without the
evidence it asked for, a tighter request, or a clinician's reason."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neocare.followup.models import Request
from neocare.infants.assessments import assessment_latest
from neocare.infants.services import observation_record, plan_request_close, reading_record
from neocare.messaging.models import Message
from neocare.messaging.notify import DUE_NOW_MINUTES
from neocare.messaging.services import messages_send
from neocare.network.models import User
from risk_model.units import to_mg_dl
from tests.factories import InfantFactory, UserFactory, guardian, link

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2027, 3, 1, 6, 0, tzinfo=SHANGHAI)
TOLERANCE_MG_DL = 2.0

reading = st.tuples(
    st.just("reading"),
    st.sampled_from(["tcb_home", "tcb_home", "tcb_clinic", "tsb_lab", "visual"]),
    st.integers(min_value=20, max_value=420),  # µmol/L
)
observation = st.tuples(
    st.just("observation"),
    st.sampled_from(["stool_normal", "weight", "lethargy_no"]),
    st.just(0),
)
close = st.tuples(st.just("close"), st.just(""), st.just(0))
event = st.tuples(
    st.floats(min_value=0.02, max_value=14, allow_nan=False),  # hours after the previous one
    st.one_of(reading, reading, observation, close),
)


def send_due_and_check(infant, now) -> None:
    """Send what is due, as a worker would, and hold each delivered text against the plan."""
    latest = assessment_latest(infant)
    due = list(
        Message.objects.filter(status="pending", not_before__lte=now).values_list("pk", flat=True)
    )
    if not due:
        return
    messages_send(due)
    for message in Message.objects.filter(pk__in=due, status="sent").select_related("assessment"):
        about = message.assessment
        if about is None or latest is None:
            continue
        assert about.action_level >= latest.action_level, (
            "a text less urgent than the plan was delivered",
            message.template,
            about.action,
            latest.action,
        )
        says_now = any(word in message.params.get("next", "") for word in ("now", "现在"))
        if about.next_measurement_at is not None and not says_now:
            assert about.next_measurement_at >= now - timedelta(minutes=DUE_NOW_MINUTES), (
                "a text named a time already past",
                message.params,
            )


def check_plan(infant) -> None:
    latest = assessment_latest(infant)
    open_ = Request.objects.filter(infant=infant, status="open")
    if latest is not None and open_.exists():
        assert latest.action_level >= max(r.action_level for r in open_)
    for request in Request.objects.filter(infant=infant).exclude(status="open"):
        if request.status in ("closed", "follow_up_ended"):
            assert request.closed_by_id and request.close_reason
        elif request.status == "tightened":
            tighter = request.tightened_by
            assert tighter is not None
            assert tighter.action_level >= request.action_level
            assert tighter.due_at is None or tighter.due_at <= request.due_at
        else:
            evidence = request.answered_by_reading
            if request.answered_by == "tsb":
                assert evidence.method == "tsb_lab"
                assert evidence.measured_at >= request.raised_at
            elif request.answered_by == "repeat":
                doubtful = request.reading
                gap = abs(
                    to_mg_dl(float(evidence.value_as_sent), evidence.unit_as_sent)
                    - to_mg_dl(float(doubtful.value_as_sent), doubtful.unit_as_sent)
                )
                assert gap <= TOLERANCE_MG_DL + 1e-9
            elif request.answered_by == "measurement":
                assert evidence is not None and evidence.method != "visual"
            else:
                assert request.answered_by in ("hospital", "phototherapy"), request.answered_by


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    born_hours_before=st.floats(min_value=2, max_value=150),
    events=st.lists(event, min_size=2, max_size=7),
)
def test_no_text_contradicts_the_plan_and_no_request_vanishes(world, born_hours_before, events):
    with time_machine.travel(START, tick=False) as clock:
        infant = InfantFactory(
            registered_centre=world.centre_a1,
            birth_at=START - timedelta(hours=born_hours_before),
            gestational_age_weeks=39,
            neurotoxicity_risk_factors=[],
        )
        parent = guardian(language="zh-hans")
        link(infant, parent)
        doctor = UserFactory(
            role=User.Role.COMMUNITY_DOCTOR,
            facility=world.centre_a1,
            phone_number=f"+86139{User.objects.count():08d}",
        )
        now = START
        for number, (after_h, (kind, what, value)) in enumerate(events):
            now += timedelta(hours=after_h)
            if (now - infant.birth_at) > timedelta(days=27):
                break
            clock.move_to(now)
            key = f"prop-{infant.pk}-{number}"
            if kind == "reading":
                reading_record(
                    infant=infant,
                    method=what,
                    value=Decimal(value),
                    unit="umol/L",
                    measured_at=now,
                    entered_by=doctor if what in ("tsb_lab", "tcb_clinic") else parent,
                    channel="app",
                    idempotency_key=key,
                )
            elif kind == "observation":
                values = {
                    "stool_normal": {"stool_colour": "normal"},
                    "weight": {"weight_g": 3200},
                    "lethargy_no": {"lethargy": False},
                }[what]
                observation_record(
                    infant=infant,
                    observed_at=now,
                    entered_by=parent,
                    channel="app",
                    idempotency_key=key,
                    **values,
                )
            else:
                request = Request.objects.filter(infant=infant, status="open").first()
                if request is not None:
                    plan_request_close(request=request, by=doctor, reason="reviewed by phone")
            send_due_and_check(infant, now)
            check_plan(infant)
        # The night passes: what quiet hours held goes in the morning.
        for hours_later in (4, 10, 16):
            later = now + timedelta(hours=hours_later)
            clock.move_to(later)
            send_due_and_check(infant, later)
        check_plan(infant)
