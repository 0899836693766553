"""The console pages: each works for its role and answers 404 to every other, sign-in locks
after repeated failures, actions go through the services, outcomes flow back to the centre."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from neocare.alerts.models import Alert, Call, Referral
from neocare.audit.models import AuditEvent
from tests.factories import InfantFactory
from tests.helpers import browser_for, make_term_infant_born_50h_ago, post_reading

PASSWORD = "a-long-test-password"
ROLES = ("guardian", "community_doctor", "district_doctor", "paediatrician", "health_admin")


@pytest.fixture
def dangerous(world, client_for):
    """`ours` at 50 h with a lab value of 17.0 mg/dL at 48 h: above the phototherapy line
    (16.0), an urgent referral alert at centre A1."""
    infant = make_term_infant_born_50h_ago(world.ours)
    response = post_reading(
        client_for(world.personas["guardian"]), infant, value="17.0", key="dangerous-1"
    )
    assert response.status_code == 201
    return infant


def pages(world) -> dict[str, tuple[str, set[str]]]:
    """url → the roles that may open it (everyone else: 404)."""
    return {
        reverse("console:triage"): {"community_doctor", "district_doctor"},
        reverse("console:infant", args=[world.ours.public_id]): {
            "community_doctor",
            "district_doctor",
            "paediatrician",  # delivered at their hospital
        },
        reverse("console:referrals"): {"paediatrician"},
        reverse("console:district"): {"district_doctor"},
        reverse("console:region"): {"health_admin"},
        reverse("console:region-csv", args=["alerts"]): {"health_admin"},
    }


def test_every_page_opens_for_its_roles_and_is_404_for_the_others(world, dangerous):
    for url, allowed in pages(world).items():
        for role in ROLES:
            status = browser_for(world.personas[role]).get(url).status_code
            assert status == (200 if role in allowed else 404), (url, role, status)


def test_strangers_of_the_same_role_do_not_see_our_infant(world, dangerous):
    url = reverse("console:infant", args=[world.ours.public_id])
    for role in ("community_doctor", "district_doctor", "guardian", "health_admin"):
        assert browser_for(world.strangers[role]).get(url).status_code == 404
    triage = browser_for(world.strangers["community_doctor"]).get(reverse("console:triage"))
    assert world.ours.display_name not in triage.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(world):
    response = Client().get(reverse("console:triage"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login"))


def test_sign_in_sign_out_and_the_language_switch(world):
    doctor = world.personas["community_doctor"]
    doctor.set_password(PASSWORD)
    doctor.save()
    client = Client()

    response = client.post(
        reverse("console:login"), {"username": doctor.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60  # idle sessions end
    assert client.session.get_expire_at_browser_close()

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/console/triage/"})
    assert "分诊队列" in client.get(reverse("console:triage")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/console/triage/"})
    assert "Triage queue" in client.get(reverse("console:triage")).content.decode()

    client.post(reverse("console:logout"))
    assert client.get(reverse("console:triage")).status_code == 302


def test_parents_cannot_sign_in_to_the_console(world):
    parent = world.personas["guardian"]
    parent.set_password(PASSWORD)
    parent.save()

    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("console:login"), {"username": parent.username, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "for clinicians and administrators" in response.content.decode()


def test_repeated_failures_lock_the_sign_in(world, settings):
    doctor = world.personas["community_doctor"]
    doctor.set_password(PASSWORD)
    doctor.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("console:login"), {"username": doctor.username, "password": "wrong"})

    response = client.post(
        reverse("console:login"), {"username": doctor.username, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_triage_queue_puts_the_most_urgent_first_and_acknowledges_in_one_click(
    world, client_for, dangerous
):
    calmer = InfantFactory(registered_centre=world.centre_a1, display_name="Calmer baby")
    make_term_infant_born_50h_ago(calmer)
    response = post_reading(
        client_for(world.personas["community_doctor"]), calmer, value="15.0", key="calmer-1"
    )
    assert response.status_code == 201, response.json()
    client = browser_for(world.personas["community_doctor"])

    page = client.get(reverse("console:triage")).content.decode()
    assert page.index(dangerous.display_name) < page.index("Calmer baby")
    # Refreshes itself (a script the doctor can switch off; a meta refresh could not be).
    assert 'id="auto-refresh" checked' in page and "console/refresh.js" in page

    alert = Alert.objects.get(infant=dangerous)
    client.post(reverse("console:acknowledge", args=[alert.public_id]))
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (
        "acknowledged",
        world.personas["community_doctor"],
    )

    only_review = client.get(reverse("console:triage"), {"severity": "doctor_review"})
    assert dangerous.display_name not in only_review.content.decode()
    assert "Calmer baby" in only_review.content.decode()


def test_the_record_draws_the_point_above_the_line_and_preselects_the_nearest_hospital(
    world, dangerous
):
    far = world.hospital_c
    far.latitude, far.longitude = 40, 116  # Beijing: far from centre A1
    far.save()
    page = (
        browser_for(world.personas["community_doctor"])
        .get(reverse("console:infant", args=[dangerous.public_id]))
        .content.decode()
    )

    assert 'id="points-above-phototherapy"' in page
    assert "phototherapy (AAP 2022)" in page
    nearest = page.index(f'<option value="{world.hospital_a.pk}" selected>')
    assert nearest < page.index(f'<option value="{far.pk}"')
    assert AuditEvent.objects.filter(action="view", object_type="console_record").exists()


def test_refer_call_and_the_hospitals_outcome_flows_back_to_the_centre(world, dangerous):
    doctor = browser_for(world.personas["community_doctor"])
    record = reverse("console:infant", args=[dangerous.public_id])

    doctor.post(
        reverse("console:call", args=[dangerous.public_id]),
        {"reached": "yes", "note": "Mother answered"},
    )
    doctor.post(
        reverse("console:refer", args=[dangerous.public_id]),
        {"hospital": world.hospital_a.pk, "reason": "above line"},
    )

    referral = Referral.objects.get(infant=dangerous)
    assert referral.hospital == world.hospital_a
    assert Call.objects.get(infant=dangerous).reached is True
    assert Alert.objects.get(infant=dangerous).outcome == "referred"

    paediatrician = browser_for(world.personas["paediatrician"])
    inbox = paediatrician.get(reverse("console:referrals")).content.decode()
    assert dangerous.display_name in inbox
    update = reverse("console:referral-update", args=[referral.public_id])
    for status, treatment in (("accepted", ""), ("arrived", ""), ("treated", "phototherapy")):
        started = timezone.localtime() - timedelta(hours=2) if treatment else None
        response = paediatrician.post(
            update,
            {
                "status": status,
                "treatment": treatment,
                "phototherapy_started_at": started.strftime("%Y-%m-%dT%H:%M") if started else "",
            },
        )
        assert response.status_code == 302, response.content
    assert dangerous.phototherapy.get().stopped_at is None  # on the record, still running
    assert paediatrician.post(update, {"status": "sent"}).status_code == 400  # never back

    page = doctor.get(record).content.decode()
    assert "treatment given" in page and 'class="treatment">phototherapy' in page
    assert "Mother answered" in page
    # Another hospital's paediatrician cannot touch the referral.
    stranger = browser_for(world.strangers["paediatrician"])
    assert stranger.post(update, {"status": "closed"}).status_code == 404


def test_break_glass_asks_for_the_reason_first_and_is_audited(world):
    stranger = world.strangers["paediatrician"]  # hospital C: `ours` is not theirs
    client = browser_for(stranger)
    record = reverse("console:infant", args=[world.ours.public_id])

    form = client.get(record)
    assert form.status_code == 404
    assert (
        "audited" in form.content.decode() and world.ours.display_name not in form.content.decode()
    )
    too_short = client.post(
        reverse("console:break-glass", args=[world.ours.public_id]), {"reason": "x"}
    )
    assert too_short.status_code == 400
    client.post(
        reverse("console:break-glass", args=[world.ours.public_id]),
        {"reason": "Infant arrived in our emergency room unannounced"},
    )

    assert client.get(record).status_code == 200
    assert AuditEvent.objects.filter(action="break_glass", actor=stranger).count() == 1


def test_the_district_overview_counts_per_centre(world, dangerous):
    page = browser_for(world.personas["district_doctor"]).get(reverse("console:district"))
    rows = {row.centre.name: row for row in page.context["rows"]}

    assert set(rows) == {"A1", "A2"}  # district A's community centres only
    assert rows["A1"].open_alerts == 1 and rows["A2"].open_alerts == 0


def test_the_chart_speaks_the_page_language_as_text(world, dangerous):
    client = browser_for(world.personas["community_doctor"])
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    page = client.get(reverse("console:infant", args=[dangerous.public_id])).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]

    assert "小时龄（小时）" in chart  # drawn by the browser's fonts, not as paths
    assert "光疗（AAP 2022）" in chart
