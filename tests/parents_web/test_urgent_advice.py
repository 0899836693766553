"""Issue #26, /m/: urgent and emergency advice looks urgent, names the hospital with its
address, offers 120 to call where an emergency is advised; the plan's open requests show."""

from django.utils import translation

from tests.helpers import make_term_infant_born_50h_ago, post_reading
from tests.parents_web.test_pages import parent_client


def page(world) -> str:
    guardian = world.personas["guardian"]
    guardian.language = "zh-hans"
    guardian.save()
    with translation.override("zh-hans"):
        return parent_client(guardian).get("/m/").content.decode()


def test_an_emergency_looks_urgent_names_the_hospital_and_offers_120(world, client_for):
    """38 weeks, TSB 23.0 mg/dL at 48 h: at/above escalation (22.0): an emergency."""
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(
        client_for(world.personas["community_doctor"]), infant, value="23.0", key="m-emergency-1"
    )

    html = page(world)

    assert 'class="advice urgent" role="alert"' in html
    assert world.hospital_a.name in html and world.hospital_a.address in html
    assert 'href="tel:120"' in html and "拨打 120" in html


def test_an_urgent_referral_names_the_hospital_without_120(world, client_for):
    """TSB 17.0 mg/dL at 48 h: at/above phototherapy (16.0), below escalation: urgent."""
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(
        client_for(world.personas["community_doctor"]), infant, value="17.0", key="m-urgent-01"
    )

    html = page(world)

    assert 'class="advice urgent" role="alert"' in html
    assert world.hospital_a.name in html
    assert 'href="tel:120"' not in html


def test_routine_advice_stays_calm_and_the_plan_shows_what_is_still_asked(world, client_for):
    """Home TcB 13.0 mg/dL at 48 h, 3.0 below 16.0: a TSB to confirm (the plan asks for it)."""
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(
        client_for(world.personas["guardian"]), infant, value="13.0", key="m-routine-1",
        method="tcb_home",
    )  # fmt: skip

    html = page(world)

    assert 'class="advice urgent"' not in html and 'href="tel:120"' not in html
    assert "您还需要做的" in html and "抽血检查（血清总胆红素）" in html
