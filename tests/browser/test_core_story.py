"""The core story in a real browser (Debian's Chromium, driven by Playwright):

a dangerous reading arrives through the API → the community doctor signs in, sees it first in
the queue, opens the record, sees the point above the line, refers to the preselected hospital →
the paediatrician sees the referral, accepts it, records phototherapy → the administrator's
dashboard counts it.

Screenshots of each page go to $NEOCARE_SCREENSHOTS (`make screenshots` → docs/screenshots/),
otherwise to a temporary folder.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken

from neocare.alerts.services import referral_create, referral_update
from neocare.infants.models import Infant
from tests.browser.conftest import signed_in
from tests.factories import InfantFactory, UserFactory
from tests.helpers import make_term_infant_born_50h_ago


def five_earlier_treatments(world):
    """Referrals treated with phototherapy in district A before the story: the dashboard shows
    counts of 5 or more, so the story's case turns 5 into 6."""
    doctor = UserFactory(role="community_doctor", facility=world.centre_a1)
    for k in range(5):
        infant = InfantFactory(registered_centre=world.centre_a1, display_name=f"Earlier {k}")
        referral = referral_create(infant=infant, by=doctor, hospital=world.hospital_a)
        referral_update(
            referral=referral,
            by=world.personas["paediatrician"],
            status="treated",
            treatment="phototherapy",
            phototherapy_started_at=timezone.now() - timedelta(hours=2),
        )


def phototherapy_in_district_a(page) -> str:
    row = page.locator("#table-referrals tbody tr", has_text="A").first
    return row.locator("td").nth(2).inner_text()


@pytest.mark.django_db(transaction=True)
def test_the_core_story(world, live_server, browser, shots):
    infant: Infant = make_term_infant_born_50h_ago(world.ours)
    infant.display_name = "Baby Lin"
    infant.save()
    far = world.hospital_c
    far.latitude, far.longitude = 40, 116
    far.save()
    five_earlier_treatments(world)

    admin = signed_in(browser, live_server, world.personas["health_admin"])
    assert phototherapy_in_district_a(admin) == "5"

    # 1. A dangerous reading arrives through the API (the parents' app).
    _, token = AuthToken.objects.create(user=world.personas["guardian"])
    response = admin.request.post(
        f"{live_server.url}/api/v1/infants/{infant.public_id}/readings/",
        headers={"Authorization": f"Token {token}"},
        data={
            "method": "tsb_lab",
            "value": "17.5",
            "unit": "mg/dL",
            "idempotency_key": "browser-story-1",
            "measured_at": (infant.birth_at + timedelta(hours=48)).isoformat(),
        },
    )
    assert response.status == 201, response.text()

    # 2. The community doctor sees it first in the queue.
    doctor = signed_in(browser, live_server, world.personas["community_doctor"])
    assert doctor.url.endswith("/console/triage/")
    first_row = doctor.locator("#triage tbody tr").first
    assert "Baby Lin" in first_row.inner_text()
    assert "urgent hospital referral" in first_row.inner_text().lower()
    doctor.screenshot(path=shots / "triage.png", full_page=True)

    # 3. The record: the point above the phototherapy line, the nearest hospital preselected.
    first_row.get_by_role("link", name="Baby Lin").click()
    doctor.wait_for_load_state()
    assert doctor.locator("#points-above-phototherapy").count() == 1
    hospital = doctor.get_by_label("Hospital (nearest first)")
    assert hospital.input_value() == str(world.hospital_a.pk)
    doctor.screenshot(path=shots / "record.png", full_page=True)
    doctor.locator("#refer-form").get_by_role("button", name="Refer").click()
    doctor.wait_for_load_state()
    assert world.hospital_a.name in doctor.locator(".referral").first.inner_text()

    # 4. The paediatrician accepts the referral and records phototherapy.
    paediatrician = signed_in(browser, live_server, world.personas["paediatrician"])
    assert paediatrician.url.endswith("/console/referrals/")
    assert "Baby Lin" in paediatrician.locator("#referrals tbody").inner_text()
    paediatrician.screenshot(path=shots / "referrals.png", full_page=True)
    paediatrician.get_by_role("link", name="Baby Lin").click()
    paediatrician.wait_for_load_state()
    for status, treatment in (("accepted", ""), ("arrived", ""), ("treated", "phototherapy")):
        form = paediatrician.locator(".referral form").first
        form.get_by_label("Status").select_option(status)
        if treatment:
            form.get_by_label("Treatment given").select_option(treatment)
            # The course goes on the record with its start (the browser's own picker).
            started = timezone.localtime() - timedelta(hours=1)
            form.get_by_label("Phototherapy started").fill(started.strftime("%Y-%m-%dT%H:%M"))
        form.get_by_role("button", name="Update referral").click()
        paediatrician.wait_for_load_state()
    assert "phototherapy" in paediatrician.locator(".referral .treatment").first.inner_text()

    # The outcome flows back to the community doctor's record.
    doctor.reload()
    assert "phototherapy" in doctor.locator(".referral .treatment").first.inner_text()
    # …who can read it in Chinese too (the language switch in the header).
    doctor.get_by_label("Language").select_option("zh-hans")
    doctor.get_by_role("button", name="Switch").click()
    doctor.wait_for_load_state()
    assert "光疗" in doctor.locator(".referral .treatment").first.inner_text()
    doctor.screenshot(path=shots / "record-zh.png", full_page=True)

    # 5. The administrator's dashboard counts it.
    admin.reload()
    assert phototherapy_in_district_a(admin) == "6"
    admin.screenshot(path=shots / "dashboard.png", full_page=True)

    # The remaining pages, for the README.
    district = signed_in(browser, live_server, world.personas["district_doctor"])
    district.goto(f"{live_server.url}/console/district/")
    assert "A1" in district.locator("#district").inner_text()
    district.screenshot(path=shots / "district.png", full_page=True)
    sign_in = browser.new_page(locale="zh-CN")
    sign_in.goto(f"{live_server.url}/console/sign-in/")
    assert "登录" in sign_in.content()
    sign_in.screenshot(path=shots / "sign-in-zh.png")
