"""Issue #26: the record shows the follow-up plan — what is asked, at which level, by when and
why, in Chinese first — and a clinician closes a request there with a reason."""

from django.urls import reverse

from neocare.followup.models import Request
from tests.helpers import browser_for, make_term_infant_born_50h_ago, post_reading


def test_the_record_shows_the_plan_and_a_doctor_closes_a_request(world, client_for):
    """Home TcB 13.0 mg/dL at 48 h, 3.0 below 16.0 (38 weeks): a TSB to confirm it."""
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(
        client_for(world.personas["guardian"]), infant, value="13.0", key="panel-key-1",
        method="tcb_home",
    )  # fmt: skip
    doctor = world.personas["community_doctor"]
    browser = browser_for(doctor, language="zh-hans")

    page = browser.get(reverse("console:infant", args=[infant.public_id])).content.decode()

    assert "随访计划" in page and "抽血检查（血清总胆红素）" in page
    assert "TcB 须以 TSB 确认" in page
    request = Request.objects.get(infant=infant, status="open")
    url = reverse("console:plan-close", args=[infant.public_id, request.public_id])
    assert browser.post(url, {"reason": ""}).status_code == 400
    assert browser.post(url, {"reason": "电话随访：已在医院查 TSB"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "closed" and request.closed_by == doctor


def test_a_stranger_cannot_close_a_request_on_the_record(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(
        client_for(world.personas["guardian"]), infant, value="13.0", key="panel-key-2",
        method="tcb_home",
    )  # fmt: skip
    request = Request.objects.get(infant=infant, status="open")
    stranger = browser_for(world.strangers["community_doctor"])

    url = reverse("console:plan-close", args=[infant.public_id, request.public_id])
    assert stranger.post(url, {"reason": "not mine"}).status_code == 404
    request.refresh_from_db()
    assert request.status == "open"
