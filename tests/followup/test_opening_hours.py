"""Issue #26.5: a blood test is asked for where a door is open — the family's community centre
in its hours (08:00–17:00 by programme policy until the centre's own are recorded), else the
nearest hospital, named with its address — and never by a time already past."""

from datetime import datetime, time

from neocare.messaging.models import Message
from neocare.messaging.services import _render
from tests.followup.course import SHANGHAI, hours, measure, term_infant

# Born at 04:00, so that 18 h of age is 22:00 and 28 h is 08:00 the next day.
BORN = datetime(2027, 1, 10, 4, 0, tzinfo=SHANGHAI)


def parent_text(world, infant) -> str:
    guardian = world.personas["guardian"]
    message = Message.objects.filter(infant=infant, recipient=guardian).latest("pk")
    return _render(message)


def first_day_reading(world, client_for, clock, at_h):
    """39+0 weeks, home TcB 100 µmol/L at `at_h` (< 24 h): a TSB within 4–8 h."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    guardian = world.personas["guardian"]
    guardian.language = "en"
    guardian.save()
    measure(
        clock, client_for(guardian), baby, at=BORN + hours(at_h), value="100", unit="umol/L",
        method="tcb_home", key=f"hours-tcb-{at_h}",
    )  # fmt: skip
    return baby


def test_at_night_the_blood_test_is_at_the_hospital_not_the_closed_centre(world, client_for, clock):
    """22:00: TSB by 06:00; the centre opens at 08:00 — the nearest hospital, tonight."""
    baby = first_day_reading(world, client_for, clock, at_h=18)

    text = parent_text(world, baby)

    assert world.hospital_a.name in text and world.hospital_a.address in text
    assert "closed until then" in text
    assert world.centre_a1.name not in text


def test_in_the_day_the_blood_test_is_at_the_community_centre(world, client_for, clock):
    """10:00 (6 h of age): TSB by 18:00 (14 h) — the centre is open now."""
    baby = first_day_reading(world, client_for, clock, at_h=6)

    text = parent_text(world, baby)

    assert f"at {world.centre_a1.name} by" in text
    assert world.hospital_a.name not in text


def test_before_opening_the_centre_is_named_with_the_time_it_opens(world, client_for, clock):
    """06:00 (2 h of age): TSB by 14:00 — the centre, open from 08:00."""
    baby = first_day_reading(world, client_for, clock, at_h=2)

    text = parent_text(world, baby)

    assert world.centre_a1.name in text and "open from 10 Jan, 08:00" in text


def test_a_centres_own_hours_replace_the_programme_default(world, client_for, clock):
    """The centre records its hours as 07:00–23:00: at 22:00 it is still the place."""
    world.centre_a1.opens_at, world.centre_a1.closes_at = time(7), time(23)
    world.centre_a1.save()
    baby = first_day_reading(world, client_for, clock, at_h=18)

    text = parent_text(world, baby)

    assert f"at {world.centre_a1.name} by" in text
