"""Numbers for the district overview and the regional dashboard: a handful of grouped queries
per page whatever the number of infants (never a query per row).

Regional figures carry no names or phone numbers, and small counts are suppressed
(`SMALL_CELL_LIMIT`): a count from 1 to 4 shows as "<5", a share or a time computed from fewer
than 5 is not shown, and when a column would have exactly one suppressed district, the next
smallest district is suppressed too, so that nobody can recover it from the region's total.
Totals are computed from the full data, so the region's number is the same on every table.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neocare.alerts.models import ACTIVE as ACTIVE_ALERTS
from neocare.alerts.models import Alert, Referral
from neocare.infants.models import ActionLevel, Infant, Reading
from neocare.messaging.models import Reminder
from neocare.network.models import District, Facility

SMALL_CELL_LIMIT = 5
SUPPRESSED = "<5"
SEVERITIES = ("doctor_review", "urgent_referral", "emergency")
TREATMENTS = ("phototherapy", "exchange_transfusion", "none")


def _minutes(pairs) -> list[float]:
    return [(b - a).total_seconds() / 60 for a, b in pairs]


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[8]


# --- District overview (district doctors) ------------------------------------------------------
@dataclass
class CentreRow:
    centre: Facility
    open_alerts: int = 0
    overdue_alerts: int = 0
    median_ack_minutes: float | None = None
    infants_due: int = 0
    infants_overdue: int = 0


def district_overview(district: District, *, now: datetime | None = None) -> list[CentreRow]:
    """Per community centre: alerts still open or acknowledged, those escalated because nobody
    acknowledged them in time, the median time to acknowledge (30 days), and infants whose
    next measurement is due within 24 h or overdue."""
    now = now or timezone.now()
    rows = {
        c.pk: CentreRow(c)
        for c in Facility.objects.filter(
            district=district, tier=Facility.Tier.COMMUNITY_CENTRE
        ).order_by("name")
    }
    alerts = (
        Alert.objects.filter(centre__in=rows, status__in=ACTIVE_ALERTS)
        .values("centre")
        .annotate(
            active=Count("id"),
            overdue=Count("id", filter=Q(status=Alert.Status.OPEN, escalation_level__gte=1)),
        )
    )
    for a in alerts:
        rows[a["centre"]].open_alerts = a["active"]
        rows[a["centre"]].overdue_alerts = a["overdue"]
    acknowledged: dict[int, list] = {}
    for centre, opened, acked in Alert.objects.filter(
        centre__in=rows, acknowledged_at__isnull=False, opened_at__gte=now - timedelta(days=30)
    ).values_list("centre", "opened_at", "acknowledged_at"):
        acknowledged.setdefault(centre, []).append((opened, acked))
    for centre, pairs in acknowledged.items():
        rows[centre].median_ack_minutes = round(statistics.median(_minutes(pairs)))
    neonatal = now - timedelta(days=settings.READING_MAX_AGE_DAYS)
    reminders = (
        Reminder.objects.filter(infant__registered_centre__in=rows, infant__birth_at__gte=neonatal)
        .exclude(status=Reminder.Status.CANCELLED)  # cancelled = a reading has come
        .values("infant__registered_centre")
        .annotate(
            due=Count(
                "infant",
                distinct=True,
                filter=Q(due_at__gte=now, due_at__lt=now + timedelta(hours=24)),
            ),
            overdue=Count("infant", distinct=True, filter=Q(due_at__lt=now)),
        )
    )
    for r in reminders:
        row = rows[r["infant__registered_centre"]]
        row.infants_due, row.infants_overdue = r["due"], r["overdue"]
    return list(rows.values())


# --- Regional dashboard (administrators) --------------------------------------------------------
# Column headers in the page's language; the machine names stay stable (the CSV's second
# header row, docs/dashboard.md).
COLUMN_LABELS = {
    "district": gettext_lazy("district"),
    "date": gettext_lazy("date"),
    "enrolled_infants": gettext_lazy("enrolled infants"),
    "readings": gettext_lazy("readings"),
    "infants_measured": gettext_lazy("infants measured"),
    "infants_at_or_above_phototherapy": gettext_lazy("infants at/above phototherapy threshold"),
    "share_at_or_above_phototherapy": gettext_lazy("share reaching the threshold"),
    **{code: ActionLevel.from_code(code).label for code in SEVERITIES},
    "median_minutes_to_acknowledge": gettext_lazy("median minutes to acknowledge"),
    "p90_minutes_to_acknowledge": gettext_lazy("90th percentile minutes"),
    "referrals": gettext_lazy("referrals"),
    **{code: Referral.Treatment(code).label for code in TREATMENTS},
}


@dataclass
class Table:
    """One published table: header, one row per district, a total row; every cell already
    suppressed. `csv_rows()` is exactly what the page shows, with the machine names as a second
    header row."""

    name: str
    columns: list[str]  # machine names
    rows: list[list] = field(default_factory=list)
    total: list | None = None

    @property
    def labels(self) -> list[str]:
        return [str(COLUMN_LABELS[c]) for c in self.columns]

    def csv_rows(self) -> list[list]:
        body = [*self.rows, *([self.total] if self.total else [])]
        return [
            self.labels,
            self.columns,
            *([c.isoformat() if isinstance(c, date) else c for c in row] for row in body),
        ]


def _suppress_count(n: int) -> int | str:
    return SUPPRESSED if 0 < n < SMALL_CELL_LIMIT else n


def _suppress_columns(raw_rows: list[list[int]]) -> list[list]:
    """Primary suppression of small counts, then secondary: a column with exactly one
    suppressed cell also hides its next smallest non-zero cell."""
    shown = [[_suppress_count(v) for v in row] for row in raw_rows]
    for j in range(len(raw_rows[0]) if raw_rows else 0):
        hidden = [i for i, row in enumerate(shown) if row[j] == SUPPRESSED]
        if len(hidden) == 1:
            candidates = sorted(
                (raw_rows[i][j], i)
                for i in range(len(raw_rows))
                if i not in hidden and raw_rows[i][j] > 0
            )
            if candidates:
                shown[candidates[0][1]][j] = "—"
    return shown


def _share(numerator: int, denominator: int) -> str:
    if numerator < SMALL_CELL_LIMIT or denominator < SMALL_CELL_LIMIT:
        return "—"
    return f"{100 * numerator / denominator:.1f} %"


def _times(minutes: list[float]) -> tuple[str, str]:
    if len(minutes) < SMALL_CELL_LIMIT:
        return "—", "—"
    return f"{statistics.median(minutes):.0f}", f"{_p90(minutes):.0f}"


def _grouped(queryset, key: str, *extra: str, count=None) -> dict:
    """{(district, extra…): count} from one GROUP BY query (rows, unless `count` says what)."""
    return {
        tuple(row[k] for k in (key, *extra)): row["n"]
        for row in queryset.values(key, *extra).annotate(n=count or Count("id"))
    }


@dataclass
class Counts:
    """The regional dashboard's counts of infants and readings in a period, by district id:
    {(district,): n}, and readings by local day."""

    enrolled: dict
    readings: dict
    monitored: dict
    reached: dict
    readings_per_day: dict


def counts_raw(region, start: datetime, end: datetime) -> Counts:
    """The definition, over the raw rows (millions at national scale). The page reads the same
    from the daily roll-ups (`rollups.counts`); tests hold the two equal."""
    from neocare.console.rollups import reached_assessments

    in_region = Q(registered_centre__district__region=region)
    by_infant = Q(infant__registered_centre__district__region=region)
    district_of_infant = "infant__registered_centre__district"
    readings = Reading.objects.filter(by_infant, measured_at__gte=start, measured_at__lt=end)
    infants = Count("infant", distinct=True)
    return Counts(
        enrolled=_grouped(
            Infant.objects.filter(in_region, created_at__gte=start, created_at__lt=end),
            "registered_centre__district",
        ),
        readings=_grouped(readings, district_of_infant),
        monitored=_grouped(readings, district_of_infant, count=infants),
        reached=_grouped(
            reached_assessments().filter(by_infant, basis_at__gte=start, basis_at__lt=end),
            district_of_infant,
            count=infants,
        ),
        readings_per_day={
            row["day"]: row["n"]
            for row in readings.annotate(
                day=TruncDate("measured_at", tzinfo=timezone.get_current_timezone())
            )
            .values("day")
            .annotate(n=Count("id"))
        },
    )


def regional_dashboard(
    region, start: datetime, end: datetime, counts: Counts | None = None
) -> dict[str, Table]:
    """The published tables of a period of whole local days; the counts of infants and
    readings come from the daily roll-ups unless given (from the raw rows until the roll-ups'
    first run: slower, never incomplete)."""
    from neocare.console import rollups

    districts = list(District.objects.filter(region=region).order_by("name"))
    ids = [d.pk for d in districts]
    by_infant = Q(infant__registered_centre__district__region=region)
    district_of_infant = "infant__registered_centre__district"

    if counts is None:
        rolled_up = rollups.counted_at() is not None
        counts = (rollups.counts if rolled_up else counts_raw)(region, start, end)
    enrolled, reading_counts = counts.enrolled, counts.readings
    monitored, reached = counts.monitored, counts.reached
    alerts = Alert.objects.filter(
        centre__district__region=region, opened_at__gte=start, opened_at__lt=end
    )
    by_severity = _grouped(alerts, "centre__district", "severity")
    ack: dict[int, list] = {}
    for district, opened, acked in alerts.filter(acknowledged_at__isnull=False).values_list(
        "centre__district", "opened_at", "acknowledged_at"
    ):
        ack.setdefault(district, []).append((opened, acked))
    referrals = _grouped(
        Referral.objects.filter(by_infant, created_at__gte=start, created_at__lt=end),
        district_of_infant,
        "treatment",
    )

    def total(values: dict, *extra) -> int:
        return sum(v for k, v in values.items() if k[1:] == extra)

    names = [d.name for d in districts]
    region_total = _("whole region")

    # Activity: counts, then the share (suppressed where either part is small).
    raw = [
        [
            enrolled.get((d,), 0),
            reading_counts.get((d,), 0),
            monitored.get((d,), 0),
            reached.get((d,), 0),
        ]
        for d in ids
    ]
    shown = _suppress_columns(raw)
    activity = Table(
        "activity",
        [
            "district",
            "enrolled_infants",
            "readings",
            "infants_measured",
            "infants_at_or_above_phototherapy",
            "share_at_or_above_phototherapy",
        ],
    )
    for name, r, s in zip(names, raw, shown, strict=True):
        activity.rows.append([name, *s, _share(r[3], r[2])])
    totals = [sum(r[j] for r in raw) for j in range(4)]
    activity.total = [region_total, *map(_suppress_count, totals), _share(totals[3], totals[2])]

    raw = [[by_severity.get((d, s), 0) for s in SEVERITIES] for d in ids]
    shown = _suppress_columns(raw)
    alerts_table = Table(
        "alerts",
        [
            "district",
            *SEVERITIES,
            "median_minutes_to_acknowledge",
            "p90_minutes_to_acknowledge",
        ],
    )
    everyone: list[float] = []
    for name, d, s in zip(names, ids, shown, strict=True):
        minutes = _minutes(ack.get(d, []))
        everyone += minutes
        alerts_table.rows.append([name, *s, *_times(minutes)])
    alerts_table.total = [
        region_total,
        *(_suppress_count(total(by_severity, s)) for s in SEVERITIES),
        *_times(everyone),
    ]

    referral_columns = ["referrals", *TREATMENTS]
    raw = [
        [sum(v for k, v in referrals.items() if k[0] == d)]
        + [referrals.get((d, t), 0) for t in TREATMENTS]
        for d in ids
    ]
    shown = _suppress_columns(raw)
    referrals_table = Table("referrals", ["district", *referral_columns])
    for name, s in zip(names, shown, strict=True):
        referrals_table.rows.append([name, *s])
    referrals_table.total = [
        region_total,
        _suppress_count(sum(referrals.values())),
        *(_suppress_count(total(referrals, t)) for t in TREATMENTS),
    ]

    per_day = Table("readings_per_day", ["date", "readings"])
    for day, n in sorted(counts.readings_per_day.items()):
        per_day.rows.append([day, _suppress_count(n)])
    per_day.total = [region_total, _suppress_count(sum(reading_counts.values()))]
    return {t.name: t for t in (activity, alerts_table, referrals_table, per_day)}
