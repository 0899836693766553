"""The guideline tables shipped with the package, loaded once, looked up by the hour.

- `aap2022_thresholds.csv`: Kemper et al., Pediatrics 2022;150(3):e2022058859, supplement
  tables 1–4 (phototherapy and exchange thresholds, with and without neurotoxicity risk factors,
  35 to ≥ 40 completed weeks, hours 1–336).
- `bhutani_nomogram.csv`: Bhutani, Johnson, Sivieri, Pediatrics 1999;103(1):6–14, 40th/75th/95th
  percentile tracks, a public digitisation every 4 h from 12 to 148 h (moderate confidence,
  weaker before 48 h).

Values come back exactly as tabulated; between whole hours they are interpolated linearly, never
rounded.
"""

import csv
import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

AAP_FIRST_HOUR = 1
AAP_LAST_HOUR = 336
AAP_MIN_GA_WEEKS = 35
AAP_MAX_GA_WEEKS = 40  # the table's 40 means ≥ 40 weeks


class Kind(StrEnum):
    PHOTOTHERAPY = "phototherapy"
    EXCHANGE = "exchange"


@cache
def _aap() -> dict[tuple[Kind, bool, int], list[float]]:
    """(kind, neurotoxicity risk, completed weeks) → thresholds for hours 1..336, index 0 = 1 h."""
    table: dict[tuple[Kind, bool, int], list[float]] = {}
    with files("risk_model.data").joinpath("aap2022_thresholds.csv").open() as f:
        for row in csv.DictReader(f):
            key = (Kind(row["kind"]), row["neurotoxicity_risk"] == "yes", int(row["ga_weeks"]))
            table.setdefault(key, []).append((int(row["age_hours"]), float(row["threshold_mg_dl"])))
    for key, rows in table.items():
        rows.sort()
        if [hour for hour, _ in rows] != list(range(AAP_FIRST_HOUR, AAP_LAST_HOUR + 1)):
            raise ValueError(f"AAP table {key} does not cover hours 1–336 exactly once")
        table[key] = [value for _, value in rows]
    return table


def _interpolate(values: list[float], first_hour: float, step_hours: float, hour: float) -> float:
    """Linear interpolation on an evenly spaced track; exact at tabulated points."""
    position = (hour - first_hour) / step_hours
    lower = math.floor(position)
    fraction = position - lower
    if fraction == 0 or lower + 1 >= len(values):
        return values[lower]
    return values[lower] + (values[lower + 1] - values[lower]) * fraction


def aap_threshold_mg_dl(
    kind: Kind, *, ga_weeks: int, neurotoxicity_risk: bool, age_hours: float
) -> float:
    """AAP 2022 threshold in mg/dL. `ga_weeks` in completed weeks (≥ 40 uses the 40 row).

    Below hour 1 the 1-hour value applies; past hour 336 the 336-hour value is held (DOMAIN.md).
    Callers decide first whether the guideline applies (≥ 35 weeks, known age).
    """
    if ga_weeks < AAP_MIN_GA_WEEKS:
        raise ValueError("AAP 2022 covers 35 weeks or more only")
    row = _aap()[(kind, neurotoxicity_risk, min(ga_weeks, AAP_MAX_GA_WEEKS))]
    hour = min(max(age_hours, AAP_FIRST_HOUR), AAP_LAST_HOUR)
    return _interpolate(row, AAP_FIRST_HOUR, 1, hour)


def aap_row(kind: Kind, *, ga_weeks: int, neurotoxicity_risk: bool) -> list[float]:
    """One AAP 2022 curve, hours 1..336 (index 0 = hour 1), for vectorised use."""
    return list(_aap()[(kind, neurotoxicity_risk, min(ga_weeks, AAP_MAX_GA_WEEKS))])


class Zone(StrEnum):
    LOW = "low"
    LOW_INTERMEDIATE = "low_intermediate"
    HIGH_INTERMEDIATE = "high_intermediate"
    HIGH = "high"


@dataclass(frozen=True)
class Percentiles:
    p40_mg_dl: float
    p75_mg_dl: float
    p95_mg_dl: float


@cache
def bhutani_table() -> tuple[list[int], dict[str, list[float]]]:
    hours: list[int] = []
    tracks: dict[str, list[float]] = {"p40": [], "p75": [], "p95": []}
    with files("risk_model.data").joinpath("bhutani_nomogram.csv").open() as f:
        for row in csv.DictReader(f):
            hours.append(int(row["age_hours"]))
            for name in tracks:
                tracks[name].append(float(row[f"{name}_mg_dl"]))
    steps = {b - a for a, b in zip(hours, hours[1:], strict=False)}
    if len(steps) != 1:
        raise ValueError("Bhutani nomogram rows must be evenly spaced")
    return hours, tracks


def bhutani_percentiles(age_hours: float) -> Percentiles | None:
    """The three tracks at `age_hours`, or None outside the digitised hours (12–148 h)."""
    hours, tracks = bhutani_table()
    if not hours[0] <= age_hours <= hours[-1]:
        return None
    step = hours[1] - hours[0]
    p40, p75, p95 = (
        _interpolate(tracks[n], hours[0], step, age_hours) for n in ("p40", "p75", "p95")
    )
    return Percentiles(p40, p75, p95)


def bhutani_zone(value_mg_dl: float, percentiles: Percentiles) -> Zone:
    """Low (< 40th), low-intermediate (40th–75th), high-intermediate (75th–95th), high (> 95th)."""
    if value_mg_dl < percentiles.p40_mg_dl:
        return Zone.LOW
    if value_mg_dl < percentiles.p75_mg_dl:
        return Zone.LOW_INTERMEDIATE
    if value_mg_dl <= percentiles.p95_mg_dl:
        return Zone.HIGH_INTERMEDIATE
    return Zone.HIGH
