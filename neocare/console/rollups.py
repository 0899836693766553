"""Daily roll-ups for the regional dashboard (issue #18): the page reads a few hundred rows of
`DailyFigure` instead of grouping millions of infants, readings and assessments.

`refresh()` (the `rollups-refresh` beat task, every minute) recomputes from the raw rows every
local day that something written since the last run touched: the day of each new infant,
reading and assessment, and — for a late entry — the infant's next day with a reading (whose
`since` it changes). A day is recomputed whole, in one transaction, by the same definitions as
`stats.counts_raw`, so the two agree (tested). Rows are found by their `created_at` with a
margin (ROLLUP_LOOKBACK_MINUTES) for transactions that committed after a later-started one.
`rollups_rebuild` recomputes every day (after a bulk load, or a change of an infant's centre in
the admin). Alerts and referrals, a few in a hundred infants, are still counted raw.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Min, OuterRef, Subquery, Sum
from django.utils import timezone

from neocare.console.models import NO_EARLIER_DAY, DailyFigure, RollupRun
from neocare.infants.models import Assessment, Infant, Reading

Figure = DailyFigure.Figure


def local_day(instant: datetime) -> date:
    return timezone.localtime(instant).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(day, time.min, tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
    )


def reached_assessments():
    """Assessments of a reading at or above the phototherapy threshold (the dashboard's
    "infants at/above phototherapy threshold")."""
    return Assessment.objects.filter(reading__isnull=False, result__gap_mg_dl__lte=0)


def _infants_of_day(events, instant: str, start: datetime, end: datetime) -> Counter:
    """{(district, since): infants} for the infants with an event in [start, end); `since` is
    the local day of the infant's latest such event before `start`."""
    earlier = (
        events.filter(infant=OuterRef("infant"), **{f"{instant}__lt": start})
        .order_by(f"-{instant}")
        .values(instant)[:1]
    )
    rows = (
        events.filter(**{f"{instant}__gte": start, f"{instant}__lt": end})
        .values("infant", district=F("infant__registered_centre__district"))
        .distinct()
        .annotate(earlier=Subquery(earlier))
    )
    return Counter(
        (r["district"], NO_EARLIER_DAY if r["earlier"] is None else local_day(r["earlier"]))
        for r in rows
    )


def _counts_of_day(queryset, instant: str, district: str, start, end) -> Counter:
    return Counter(
        queryset.filter(**{f"{instant}__gte": start, f"{instant}__lt": end}).values_list(
            district, flat=True
        )
    )


def refresh_day(day: date) -> None:
    """Recompute one local day's figures from the raw rows."""
    start, end = day_bounds(day)
    in_district = "infant__registered_centre__district"
    figures = {
        Figure.ENROLLED: {
            (d, NO_EARLIER_DAY): n
            for d, n in _counts_of_day(
                Infant.objects, "created_at", "registered_centre__district", start, end
            ).items()
        },
        Figure.READINGS: {
            (d, NO_EARLIER_DAY): n
            for d, n in _counts_of_day(
                Reading.objects, "measured_at", in_district, start, end
            ).items()
        },
        Figure.MEASURED: _infants_of_day(Reading.objects, "measured_at", start, end),
        Figure.REACHED: _infants_of_day(reached_assessments(), "basis_at", start, end),
    }
    with transaction.atomic():  # a savepoint inside `refresh`
        DailyFigure.objects.filter(day=day).delete()
        DailyFigure.objects.bulk_create(
            DailyFigure(district_id=district, day=day, figure=figure, since=since, count=n)
            for figure, counts in figures.items()
            for (district, since), n in counts.items()
        )


def _touched_days(events, instant: str, since: datetime) -> set[date]:
    """Local days of the events written since `since`, and each touched infant's next day with
    such an event after it (a late entry changes that day's `since`)."""
    new = list(events.filter(created_at__gte=since).values_list("infant", instant))
    days = {local_day(at) for _, at in new}
    if not new:
        return days
    first = {}
    for infant, at in new:
        first[infant] = min(first.get(infant, at), at)
    later = events.filter(
        infant__in=first, **{f"{instant}__gte": day_bounds(local_day(min(first.values())))[0]}
    ).values_list("infant", instant)
    by_infant: dict[int, set[date]] = {}
    for infant, at in later:
        by_infant.setdefault(infant, set()).add(local_day(at))
    for infant, at in new:
        after = [d for d in by_infant.get(infant, ()) if d > local_day(at)]
        if after:
            days.add(min(after))
    return days


def refresh(now: datetime | None = None) -> int:
    """Bring the roll-ups up to date; returns how many days were recomputed."""
    now = now or timezone.now()
    with transaction.atomic():
        # One refresh at a time (the beat's and a rebuild): the others wait for this one.
        run, created = RollupRun.objects.select_for_update().get_or_create(
            pk=1, defaults={"started_at": now}
        )
        days = _days_to_refresh(None if created else run.started_at)
        for day in sorted(days):
            refresh_day(day)
        run.started_at = now
        run.save()
    return len(days)


def _days_to_refresh(last_run: datetime | None) -> set[date]:
    if last_run is None:
        return _all_days()
    since = last_run - timedelta(minutes=settings.ROLLUP_LOOKBACK_MINUTES)
    enrolled = Infant.objects.filter(created_at__gte=since).values_list("created_at", flat=True)
    return (
        {local_day(at) for at in enrolled}
        | _touched_days(Reading.objects, "measured_at", since)
        | _touched_days(reached_assessments(), "basis_at", since)
    )


def _all_days() -> set[date]:
    """Every local day from the first record's to today's (or the last record's)."""
    bounds = [
        Infant.objects.aggregate(first=Min("created_at"), last=Max("created_at")),
        Reading.objects.aggregate(first=Min("measured_at"), last=Max("measured_at")),
        reached_assessments().aggregate(first=Min("basis_at"), last=Max("basis_at")),
    ]
    firsts = [local_day(b["first"]) for b in bounds if b["first"] is not None]
    if not firsts:
        return set()
    last = max([local_day(timezone.now())] + [local_day(b["last"]) for b in bounds if b["last"]])
    return {min(firsts) + timedelta(days=k) for k in range((last - min(firsts)).days + 1)}


def counted_at() -> datetime | None:
    """When the roll-ups were last brought up to date (None: never yet)."""
    return RollupRun.objects.values_list("started_at", flat=True).first()


def rebuild() -> int:
    """Recompute every day from the first record to today."""
    with transaction.atomic():
        RollupRun.objects.select_for_update().filter(pk=1).delete()
        return refresh()


def counts(region, start: datetime, end: datetime):
    """`stats.Counts` of a period of whole local days, from the roll-ups."""
    from neocare.console.stats import Counts

    first, last = local_day(start), local_day(end)  # [first, last)
    rows = DailyFigure.objects.filter(district__region=region, day__gte=first, day__lt=last)

    def by_district(figure, **only) -> dict:
        totals = rows.filter(figure=figure, **only).values("district").annotate(n=Sum("count"))
        return {(row["district"],): row["n"] for row in totals}

    per_day = rows.filter(figure=Figure.READINGS).values("day").annotate(n=Sum("count"))
    return Counts(
        enrolled=by_district(Figure.ENROLLED),
        readings=by_district(Figure.READINGS),
        # Each infant once: on its first day in the period, whose `since` is before it.
        monitored=by_district(Figure.MEASURED, since__lt=first),
        reached=by_district(Figure.REACHED, since__lt=first),
        readings_per_day={row["day"]: row["n"] for row in per_day},
    )
