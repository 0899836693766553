"""Where a family can go: the nearest hospitals, and whether a facility is open.

A community health centre keeps day hours (its own `opens_at`/`closes_at`, or the programme's
COMMUNITY_CENTRE_HOURS when none are recorded); a hospital's laboratory and emergency
department are open day and night. A text never sends a family to a closed door.
"""

import math
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from neocare.network.models import Facility


def distance_km(a: Facility, b: Facility) -> float:
    """Great-circle distance (haversine), enough to rank hospitals in one city."""
    lat1, lon1, lat2, lon2 = map(
        math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude))
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def hospitals_by_distance(centre: Facility) -> list[tuple[Facility, float]]:
    hospitals = Facility.objects.filter(tier=Facility.Tier.TERTIARY_HOSPITAL)
    return sorted(((h, distance_km(centre, h)) for h in hospitals), key=lambda p: (p[1], p[0].pk))


def nearest_hospital(centre: Facility) -> Facility:
    ranked = hospitals_by_distance(centre)
    if not ranked:
        raise ValidationError({"hospital": [_("No tertiary hospital is registered.")]})
    return ranked[0][0]


def opening_hours(facility: Facility) -> tuple[time, time] | None:
    """The facility's daily hours (local), or None when it is open day and night."""
    if facility.opens_at is not None and facility.closes_at is not None:
        return facility.opens_at, facility.closes_at
    if facility.tier == Facility.Tier.COMMUNITY_CENTRE:
        opens, closes = settings.COMMUNITY_CENTRE_HOURS
        return time.fromisoformat(opens), time.fromisoformat(closes)
    return None


def first_open(facility: Facility, start: datetime, end: datetime) -> datetime | None:
    """The first instant between `start` and `end` when the facility is open, or None."""
    hours = opening_hours(facility)
    if hours is None:
        return start if start <= end else None
    opens, closes = hours
    day = timezone.localtime(start).date()
    while True:
        zone = timezone.get_current_timezone()
        open_at = timezone.make_aware(datetime.combine(day, opens), zone)
        close_at = timezone.make_aware(datetime.combine(day, closes), zone)
        if open_at > end:
            return None
        candidate = max(start, open_at)
        if candidate < min(end, close_at):
            return candidate
        day += timedelta(days=1)


def blood_test_place(centre: Facility, start: datetime, due: datetime) -> tuple[Facility, datetime]:
    """Where and from when a blood test asked for by `due` can be had: the family's community
    centre if it is open in time, else the nearest hospital, now."""
    at = first_open(centre, start, due)
    if at is not None:
        return centre, at
    return nearest_hospital(centre), start
