"""The regional dashboard's daily roll-ups give exactly the raw queries' counts, for any period
of whole days, however the rows arrived: late entries, several a day, the beat task's runs in
between; and so the published tables, suppression included, are the same."""

import random
from datetime import timedelta

from django.utils import timezone

from neocare.console import rollups
from neocare.console.models import DailyFigure
from neocare.console.stats import counts_raw, regional_dashboard
from neocare.infants import services
from neocare.infants.models import Infant
from tests.factories import InfantFactory, guardian, link


def period(first_days_ago: int, last_days_ago: int):
    today = rollups.local_day(timezone.now())
    start = rollups.day_bounds(today - timedelta(days=first_days_ago))[0]
    end = rollups.day_bounds(today - timedelta(days=last_days_ago))[1]
    return start, end


def record(infant, parent, *, hours_after_birth: float, value: int, key: str):
    services.reading_record(
        infant=infant,
        method="tcb_home",
        value=value,
        unit="umol/L",
        measured_at=infant.birth_at + timedelta(hours=hours_after_birth),
        entered_by=parent,
        channel="app",
        idempotency_key=key,
        announce=False,
    )


def test_roll_ups_equal_the_raw_counts_for_every_period(world):
    rng = random.Random(18)
    now = timezone.now()
    centres = [world.centre_a1, world.centre_a2, world.centre_b1]
    region = world.centre_a1.district.region
    families = []
    for k in range(12):
        infant = InfantFactory(
            registered_centre=centres[k % 3],
            birth_at=now - timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 23)),
        )
        parent = guardian()
        link(infant, parent)
        # Enrolled on different days too.
        Infant.objects.filter(pk=infant.pk).update(created_at=infant.birth_at + timedelta(hours=30))
        families.append((infant, parent))
    rollups.refresh()

    # Readings in batches, in a shuffled order (late entries between earlier ones), with the
    # beat task's refresh between batches; values from low to far above the threshold.
    planned = [
        (infant, parent, hours, rng.choice([90, 150, 220, 300, 380]))
        for infant, parent in families
        for hours in sorted(rng.sample(range(24, 24 * 12, 7), rng.randint(1, 8)))
        if infant.birth_at + timedelta(hours=hours) < now
    ]
    rng.shuffle(planned)
    for n, (infant, parent, hours, value) in enumerate(planned):
        record(infant, parent, hours_after_birth=hours, value=value, key=f"rollup-{n}")
        if n % 7 == 0:
            rollups.refresh()
    rollups.refresh()
    assert DailyFigure.objects.filter(figure="reached").exists()  # the test covers it

    for first, last in [(0, 0), (1, 1), (6, 0), (13, 3), (29, 0), (25, 10), (2, 1)]:
        start, end = period(first, last)
        assert rollups.counts(region, start, end) == counts_raw(region, start, end), (first, last)
        assert regional_dashboard(region, start, end) == regional_dashboard(
            region, start, end, counts=counts_raw(region, start, end)
        )


def test_a_late_entry_moves_the_next_days_since(world):
    parent = guardian()
    infant = InfantFactory(
        registered_centre=world.centre_a1, birth_at=timezone.now() - timedelta(days=6)
    )
    link(infant, parent)
    region = world.centre_a1.district.region
    record(infant, parent, hours_after_birth=30, value=150, key="late-1")
    record(infant, parent, hours_after_birth=30 + 72, value=150, key="late-2")
    rollups.refresh()
    middle = rollups.local_day(infant.birth_at + timedelta(hours=30 + 36))
    start, end = rollups.day_bounds(middle)[0], timezone.now() + timedelta(days=1)

    record(infant, parent, hours_after_birth=30 + 36, value=150, key="late-3")  # in between
    rollups.refresh()

    counts = rollups.counts(region, start, rollups.day_bounds(rollups.local_day(end))[0])
    assert counts.monitored == {(world.centre_a1.district_id,): 1}  # one infant, not two
    assert counts == counts_raw(region, start, rollups.day_bounds(rollups.local_day(end))[0])


def test_refresh_recomputes_only_the_days_touched(world, settings):
    settings.ROLLUP_LOOKBACK_MINUTES = 0  # no margin: what the last run saw is not seen again
    parent = guardian()
    infant = InfantFactory(registered_centre=world.centre_a1)
    link(infant, parent)
    rollups.refresh()

    assert rollups.refresh() == 0  # nothing new
    record(infant, parent, hours_after_birth=40, value=150, key="touch-1")
    assert rollups.refresh() == 1
    assert rollups.rebuild() >= 1


def test_before_the_first_roll_up_the_dashboard_counts_the_raw_rows(world):
    parent = guardian()
    infant = InfantFactory(registered_centre=world.centre_a1)
    link(infant, parent)
    record(infant, parent, hours_after_birth=40, value=150, key="first-1")
    region = world.centre_a1.district.region
    start, end = period(29, 0)

    assert rollups.counted_at() is None
    before = regional_dashboard(region, start, end)
    rollups.refresh()

    assert before["activity"].total[2] == "<5"  # the one reading, not 0
    assert before == regional_dashboard(region, start, end)
