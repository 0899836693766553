"""Prometheus metrics at /metrics: the request metrics of django-prometheus, and the state of the
programme read from the database at each scrape (so every gunicorn worker reports the same).

No label carries a name or an identifier: counts by action, severity, status and age only.
"""

from datetime import timedelta

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import REGISTRY, GaugeMetricFamily

# (name, help, labels) of every family the collector reports.
FAMILIES = (
    ("neocare_readings_ingested_24h", "Readings received in the last 24 hours", []),
    ("neocare_assessments_24h", "Assessments made in the last 24 hours", ["action"]),
    ("neocare_alerts_open", "Open or acknowledged alerts", ["severity"]),
    ("neocare_alert_oldest_open_seconds", "Age of the oldest open alert", ["severity"]),
    ("neocare_outbox_backlog", "Messages due and not yet sent", []),
    ("neocare_outbox_oldest_unsent_seconds", "How long the oldest due message has waited", []),
    ("neocare_reminders", "Reminders", ["state"]),
    ("neocare_photos_awaiting_analysis", "Photos still received", []),
    ("neocare_risk_model_observed_over_expected", "Served model: observed / expected", []),
    ("neocare_risk_model_share_at_or_above", "Served model: infants at or above", ["line"]),
    ("neocare_risk_model_max_feature_psi", "Served model: largest feature drift (PSI)", []),
    ("neocare_risk_model_warnings", "Served model: monitoring warnings", []),
)
# The model monitoring labels outcomes over a rolling window: computed at most this often.
MONITOR_CACHE_SECONDS = 600


def _model_figures() -> dict:
    from django.core.cache import cache

    from neocare.riskmodels import monitoring

    def compute():
        found = monitoring.report()
        return {
            "observed_over_expected": found.observed_over_expected,
            "watch": found.share_above_watch,
            "review": found.share_above_review,
            "max_psi": found.max_psi,
            "warnings": len(found.warnings),
        }

    return cache.get_or_set("neocare:risk_model_monitoring", compute, MONITOR_CACHE_SECONDS)


class ProgrammeCollector:
    def describe(self):
        """The families' names, without touching the database (asked at registration)."""
        for name, text, labels in FAMILIES:
            yield GaugeMetricFamily(name, text, labels=labels or None)

    def collect(self):
        from neocare.alerts.models import ACTIVE, Alert
        from neocare.infants.models import Assessment, Reading
        from neocare.messaging.models import Message, Reminder
        from neocare.photos.models import Photo

        now = timezone.now()
        day = now - timedelta(hours=24)

        readings = GaugeMetricFamily(
            "neocare_readings_ingested_24h", "Readings received in the last 24 hours"
        )
        readings.add_metric([], Reading.objects.filter(created_at__gte=day).count())
        yield readings

        assessments = GaugeMetricFamily(
            "neocare_assessments_24h", "Assessments made in the last 24 hours", labels=["action"]
        )
        rows = (
            Assessment.objects.filter(created_at__gte=day).values("action").annotate(n=Count("id"))
        )
        for row in rows:
            assessments.add_metric([row["action"]], row["n"])
        yield assessments

        open_alerts = GaugeMetricFamily(
            "neocare_alerts_open", "Open or acknowledged alerts", labels=["severity"]
        )
        oldest_alert = GaugeMetricFamily(
            "neocare_alert_oldest_open_seconds",
            "Age of the oldest open alert, by severity",
            labels=["severity"],
        )
        rows = (
            Alert.objects.filter(status__in=ACTIVE)
            .values("severity")
            .annotate(n=Count("id"), since=Min("raised_at"))
        )
        for row in rows:
            open_alerts.add_metric([row["severity"]], row["n"])
            oldest_alert.add_metric([row["severity"]], (now - row["since"]).total_seconds())
        yield open_alerts
        yield oldest_alert

        pending = Message.objects.filter(status=Message.Status.PENDING, not_before__lte=now)
        backlog = GaugeMetricFamily("neocare_outbox_backlog", "Messages due and not yet sent")
        backlog.add_metric([], pending.count())
        yield backlog
        oldest = pending.aggregate(since=Min("not_before"))["since"]
        oldest_message = GaugeMetricFamily(
            "neocare_outbox_oldest_unsent_seconds", "How long the oldest due message has waited"
        )
        oldest_message.add_metric([], 0 if oldest is None else (now - oldest).total_seconds())
        yield oldest_message

        active = Reminder.objects.filter(
            status__in=(Reminder.Status.PENDING, Reminder.Status.FIRST_SENT)
        )
        reminders = GaugeMetricFamily("neocare_reminders", "Reminders", labels=["state"])
        reminders.add_metric(["due"], active.filter(due_at__lte=now).count())
        reminders.add_metric(["overdue"], active.filter(status=Reminder.Status.FIRST_SENT).count())
        reminders.add_metric(["scheduled"], active.filter(due_at__gt=now).count())
        yield reminders

        photos = GaugeMetricFamily("neocare_photos_awaiting_analysis", "Photos still received")
        photos.add_metric([], Photo.objects.filter(status=Photo.Status.RECEIVED).count())
        yield photos

        figures = _model_figures()
        for name, text, key in (
            (
                "neocare_risk_model_observed_over_expected",
                "Served model: observed / expected outcomes over the monitoring window",
                "observed_over_expected",
            ),
            (
                "neocare_risk_model_max_feature_psi",
                "Served model: the largest feature drift (population stability index)",
                "max_psi",
            ),
            ("neocare_risk_model_warnings", "Served model: monitoring warnings", "warnings"),
        ):
            if figures[key] is not None:
                family = GaugeMetricFamily(name, text)
                family.add_metric([], figures[key])
                yield family
        lines = GaugeMetricFamily(
            "neocare_risk_model_share_at_or_above",
            "Served model: share of infants whose latest probability is at or above a line",
            labels=["line"],
        )
        for line in ("watch", "review"):
            if figures[line] is not None:
                lines.add_metric([line], figures[line])
        yield lines


_registered = False


def register() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(ProgrammeCollector())
        _registered = True
