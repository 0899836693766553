"""Accessible pages (issue #14): axe-core (from the npm registry, pinned in package-lock.json,
installed by `make test`) finds no serious or critical violation on any console page, in
Chinese and in English; and the triage story works with the keyboard alone, focus visible.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from neocare.alerts.models import Alert
from tests.browser.conftest import signed_in
from tests.helpers import make_term_infant_born_50h_ago, post_reading

AXE = Path(__file__).parents[2] / "node_modules/axe-core/axe.min.js"


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def dangerous(world, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    response = post_reading(
        client_for(world.personas["guardian"]), infant, value="17.0", key="a11y-reading-1"
    )
    assert response.status_code == 201
    return infant


def pages(world, infant):
    record = reverse("console:infant", args=[infant.public_id])
    return {
        "community_doctor": [
            reverse("console:triage"),
            record,
            reverse("console:referral-letter", args=[infant.public_id]),
        ],
        "district_doctor": [reverse("console:district")],
        "paediatrician": [reverse("console:referrals"), record],
        "health_admin": [reverse("console:region")],
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_axe_finds_no_serious_violation_on_any_page(
    world, dangerous, live_server, browser, language
):
    assert AXE.exists(), "run `make test` (it installs axe-core from package-lock.json)"
    found = {}
    for role, urls in pages(world, dangerous).items():
        page = signed_in(
            browser, live_server, world.personas[role], language=language, bypass_csp=True
        )
        for url in urls:
            page.goto(live_server.url + url)
            if violations := axe_violations(page):
                found[(role, url)] = violations
        page.context.close()
    anonymous = browser.new_context(bypass_csp=True, locale="zh-CN").new_page()
    anonymous.goto(live_server.url + reverse("console:login"))
    if violations := axe_violations(anonymous):
        found[("anonymous", "sign-in")] = violations
    assert found == {}


@pytest.mark.django_db(transaction=True)
def test_the_triage_story_works_with_the_keyboard_alone(world, dangerous, live_server, browser):
    page = signed_in(browser, live_server, world.personas["community_doctor"], language="zh-hans")
    page.goto(live_server.url + reverse("console:triage"))

    def tab_to(selector, limit=60):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"no visible focus on {selector}"
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#triage button[type=submit]")  # 确认 (acknowledge)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Alert.objects.get(infant=dangerous).status == Alert.Status.ACKNOWLEDGED

    tab_to("#triage a")  # the infant's name
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("console:infant", args=[dangerous.public_id]))
    tab_to("#id_outcome")  # the resolve form: outcome first chosen with the keyboard
    page.keyboard.press("ArrowDown")
    tab_to("#alert-resolve button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Alert.objects.get(infant=dangerous).status == Alert.Status.RESOLVED
