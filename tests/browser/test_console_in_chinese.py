"""Chinese first, in a real browser (issue #14): the administrator's dashboard story end to end,
and the doctor's record in μmol/L."""

import csv
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import signed_in
from tests.helpers import make_term_infant_born_50h_ago, post_reading


@pytest.fixture
def dangerous(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    response = post_reading(
        client_for(world.personas["guardian"]), infant, value="17.0", key="zh-browser-1"
    )
    assert response.status_code == 201
    return infant


@pytest.mark.django_db(transaction=True)
def test_the_administrators_dashboard_story_in_chinese(
    world, dangerous, live_server, browser, shots
):
    page = signed_in(browser, live_server, world.personas["health_admin"], language="zh-hans")
    page.goto(live_server.url + reverse("console:region"))
    # The date inputs hold ISO values: 显示 is never blocked by an empty required field.
    today = timezone.localdate()
    assert page.input_value("#id_end") == today.isoformat()
    page.fill("#id_start", (today - timedelta(days=6)).isoformat())
    page.get_by_role("button", name="显示").click()
    page.wait_for_load_state()
    assert f"start={(today - timedelta(days=6)).isoformat()}" in page.url

    headers = page.locator("#table-alerts thead th").all_inner_texts()
    assert headers[:4] == ["区", "今日社区医生评估", "紧急转诊至医院", "急症"]
    assert page.locator("#table-activity tbody tr").count() >= 2
    assert "全市合计" in page.locator("#table-activity").inner_text()
    page.screenshot(path=shots / "dashboard-zh.png", full_page=True)

    with page.expect_download() as download:
        page.locator("a", has_text="下载 CSV").first.click()
    with open(download.value.path(), encoding="utf-8") as exported:
        rows = list(csv.reader(exported))
    assert rows[0][0] == "区" and rows[1][0] == "district"  # page headers, then machine names
    assert rows[1][1] == "enrolled_infants"


@pytest.mark.django_db(transaction=True)
def test_the_doctors_record_in_micromoles(world, dangerous, live_server, browser):
    page = signed_in(browser, live_server, world.personas["community_doctor"], language="zh-hans")
    page.goto(live_server.url + reverse("console:infant", args=[dangerous.public_id]))
    newest = page.locator(".summary .bili").first.inner_text()
    assert newest == "291 μmol/L"  # 17.0 mg/dL as risk_model.units shows it
    assert page.locator(".chart svg text", has_text="μmol/L").count() >= 1  # the axis
    assert "umol/L" not in page.locator("main").inner_text()
