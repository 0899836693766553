"""The parents' page /m/ on a 360-pixel phone, in Chinese: sign in with the SMS code and log a
reading (issue #15, item 7)."""

import pytest

from neocare.infants.models import Reading
from neocare.messaging.models import Message
from tests.helpers import make_term_infant_born_50h_ago


@pytest.mark.django_db(transaction=True)
def test_a_parent_signs_in_and_logs_a_reading_on_a_phone(world, live_server, browser, shots):
    parent = world.personas["guardian"]
    infant = make_term_infant_born_50h_ago(world.ours)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/m/")
    page.get_by_label("手机号码").fill(str(parent.phone_number)[3:])  # as a parent types it
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_load_state()
    message = Message.objects.filter(phone=str(parent.phone_number), template="auth").latest(
        "created_at"
    )
    page.get_by_label("验证码").fill(message.params["code"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="我的宝宝").is_visible()

    page.get_by_role("link", name="记录测量值").click()
    page.get_by_label("数值").fill("250")
    page.screenshot(path=shots / "mobile-reading-form-zh.png", full_page=True)
    assert page.get_by_label("μmol/L").is_checked()  # the default unit, written with μ
    page.get_by_role("button", name="保存测量值").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="测量值已保存").is_visible()
    assert Reading.objects.filter(infant=infant).count() == 1
    page.screenshot(path=shots / "mobile-result-zh.png", full_page=True)

    page.go_back()  # the form again, with its key: sending it once more records nothing new
    page.get_by_role("button", name="保存测量值").click()
    page.wait_for_load_state()
    assert Reading.objects.filter(infant=infant).count() == 1

    page.goto(f"{live_server.url}/m/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert "250 μmol/L" in page.locator("main").inner_text()
    page.screenshot(path=shots / "mobile-home-zh.png", full_page=True)
    context.close()
