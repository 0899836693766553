"""Issue #13: every read of an identifiable record leaves an audit row — on every API endpoint
and console page, for every role. A role that cannot see the record gets 404 and leaves none."""

import pytest
from django.urls import reverse

from neocare.alerts.models import Referral
from neocare.audit.models import AuditEvent
from neocare.questions.services import question_ask
from tests.helpers import browser_for

ROLES = ["guardian", "community_doctor", "district_doctor", "paediatrician", "health_admin"]


@pytest.fixture(autouse=True)
def question(world, record):
    """A parent's question about the record's infant (issue #15), so its reads show it."""
    return question_ask(
        infant=record[0],
        asked_by=world.personas["guardian"],
        text="宝宝的黄疸需要复查吗？",
        idempotency_key="audit-question-1",
    ).record


def api_reads(infant, alert, referral, photo) -> list[str]:
    base = f"/api/v1/infants/{infant.public_id}"
    return [
        "/api/v1/infants/",
        f"{base}/",
        f"{base}/readings/",
        f"{base}/observations/",
        f"{base}/guardians/",
        f"{base}/assessment/",
        f"{base}/thresholds/",
        f"{base}/phototherapy/",
        f"{base}/photos/",
        f"{base}/photos/{photo.public_id}/image/",
        "/api/v1/alerts/",
        f"/api/v1/alerts/{alert.public_id}/",
        "/api/v1/referrals/",
        f"/api/v1/referrals/{referral.public_id}/",
        f"{base}/questions/",
    ]


def console_reads(infant) -> list[str]:
    return [
        reverse("console:triage"),
        reverse("console:infant", args=[infant.public_id]),
        reverse("console:referral-letter", args=[infant.public_id]),
        reverse("console:referral-letter-pdf", args=[infant.public_id]),
        reverse("console:referrals"),
        reverse("console:questions"),
    ]


def _shows(response, infant, path: str) -> bool:
    """A 200 from a path about this infant's record (or its alert, referral) reads it; a list
    reads it when the infant is on it."""
    if response.status_code != 200:
        return False
    if not path.rstrip("/").endswith(("infants", "alerts", "referrals", "triage", "questions")):
        return True
    body = response.content.decode(errors="replace")
    return str(infant.public_id) in body or infant.display_name in body


def _rows(user, infant) -> int:
    return AuditEvent.objects.filter(actor=user, infant=infant).count()


@pytest.mark.parametrize("role", ROLES)
def test_every_api_read_of_the_record_is_audited(world, client_for, record, role):
    infant, alert, referral, photo = record
    user = world.personas[role]
    client = client_for(user)
    shown = 0
    for path in api_reads(infant, alert, referral, photo):
        before = _rows(user, infant)
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        if _shows(response, infant, path):
            shown += 1
            assert _rows(user, infant) > before, f"{role} read {path} without an audit row"
        elif response.status_code == 404:
            assert _rows(user, infant) == before, (path, "a 404 leaves no row")
    if role != "health_admin":
        assert shown >= 5  # each role reaches its part of the record
    else:
        assert shown == 0  # administrators see no identifiable record


@pytest.mark.parametrize("role", ["community_doctor", "district_doctor", "paediatrician"])
def test_every_console_page_showing_the_record_is_audited(world, record, role):
    infant = record[0]
    user = world.personas[role]
    browser = browser_for(user)
    for path in console_reads(infant):
        before = _rows(user, infant)
        response = browser.get(path)
        if _shows(response, infant, path):
            assert _rows(user, infant) > before, f"{role} saw {path} without an audit row"


def test_a_stranger_reads_nothing_and_leaves_no_row_about_the_infant(world, client_for, record):
    infant, alert, referral, photo = record
    for role, stranger in world.strangers.items():
        client = client_for(stranger)
        for path in api_reads(infant, alert, referral, photo):
            response = client.get(path)
            assert not _shows(response, infant, path), (role, path)
        assert _rows(stranger, infant) == 0, role
    assert Referral.objects.filter(infant=infant).exists()
