"""Daily roll-ups of the regional dashboard's large counts (issue #18): see `rollups.py`."""

from datetime import date

from django.db import models

# `DailyFigure.since` of an infant with no earlier day of that kind.
NO_EARLIER_DAY = date(1, 1, 1)


class DailyFigure(models.Model):
    """How many of one kind of event a district had on one local day.

    For "enrolled" and "readings", `count` is the day's events (`since` is NO_EARLIER_DAY). For
    "measured" and "reached" it counts infants, split by `since`, the infant's previous day of
    that kind: an infant counts in a period on its first such day in it, so the infants of a
    period are the rows of its days whose `since` falls before it — exact distinct counts from
    a few hundred rows.
    """

    class Figure(models.TextChoices):
        ENROLLED = "enrolled"  # infants registered that day
        READINGS = "readings"  # readings measured that day
        MEASURED = "measured"  # infants with a reading that day
        REACHED = "reached"  # infants assessed at or above the phototherapy threshold that day

    district = models.ForeignKey("network.District", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # local (settings.TIME_ZONE)
    figure = models.CharField(max_length=16, choices=Figure.choices)
    since = models.DateField(default=NO_EARLIER_DAY)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district", "figure", "since"], name="dailyfigure_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.day} {self.figure} (since {self.since}): {self.count}"


class RollupRun(models.Model):
    """When the roll-ups were last brought up to date (one row)."""

    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"roll-ups up to date as of {self.started_at:%Y-%m-%d %H:%M}"
