"""The Bhutani nomogram as a continuous percentile scale, in both directions.

Bhutani 1999 gives three tracks (40th, 75th, 95th percentile) every 4 h from 12 to 148 h
(`risk_model/data/bhutani_nomogram.csv`). The risk model wants a continuous "where on the
nomogram" feature, and the cohort simulator wants to draw values whose percentiles by hour follow
the same tracks. Both use the one quantile function here, so they cannot drift apart:

- at each hour, log(TSB) is piecewise linear in the standard-normal quantile z through the three
  published points (z of the 40th, 75th and 95th percentiles);
- below the 40th and above the 95th the nearest segment is extended. That tail shape is an
  assumption (the paper publishes no other percentile); it is what decides how often a healthy
  term infant is simulated above the 95th track.

Hours outside 12–148 are clamped to the nearest tabulated hour: callers decide whether that is
meaningful (the simulator adds its own rise before 12 h and decline after 148 h).
"""

import math
from functools import cache

import numpy as np

from risk_model.tables import bhutani_percentiles, bhutani_table

# Standard-normal quantiles of the 40th, 75th and 95th percentiles.
Z_TRACKS = np.array([-0.2533471031357997, 0.6744897501960817, 1.6448536269514722])


@cache
def _tracks() -> tuple[np.ndarray, np.ndarray]:
    """Hours (n,) and TSB of the three tracks (n, 3), in mg/dL."""
    hours, tracks = bhutani_table()
    values = np.column_stack([tracks["p40"], tracks["p75"], tracks["p95"]])
    return np.asarray(hours, dtype=float), values


def first_hour() -> float:
    return float(_tracks()[0][0])


def last_hour() -> float:
    return float(_tracks()[0][-1])


def _tracks_at(age_hours) -> np.ndarray:
    """log TSB of the three tracks at each age (clamped to the tabulated hours), shape (..., 3).

    Interpolated linearly in mg/dL between tabulated hours, as `tables.bhutani_percentiles` does.
    """
    hours, values = _tracks()
    age = np.clip(np.asarray(age_hours, dtype=float), hours[0], hours[-1])
    return np.log(np.stack([np.interp(age, hours, values[:, k]) for k in range(3)], axis=-1))


def tracks_mg_dl(age_hours) -> np.ndarray:
    """The 40th, 75th and 95th tracks (mg/dL) at each age (clamped to 12–148 h), shape (..., 3)."""
    return np.exp(_tracks_at(age_hours))


def value_at(z, age_hours) -> np.ndarray:
    """TSB in mg/dL at standard-normal position `z` and `age_hours` (broadcast together)."""
    z = np.asarray(z, dtype=float)
    tracks = _tracks_at(age_hours)
    low_slope = (tracks[..., 1] - tracks[..., 0]) / (Z_TRACKS[1] - Z_TRACKS[0])
    high_slope = (tracks[..., 2] - tracks[..., 1]) / (Z_TRACKS[2] - Z_TRACKS[1])
    log_value = np.where(
        z <= Z_TRACKS[1],
        tracks[..., 1] + (z - Z_TRACKS[1]) * low_slope,
        tracks[..., 1] + (z - Z_TRACKS[1]) * high_slope,
    )
    return np.exp(log_value)


def position(value_mg_dl: float, age_hours: float) -> float:
    """The inverse of `value_at`: the standard-normal position of a value at an age.

    0.67 is on the 75th track, 1.64 on the 95th; a value above the 95th comes out above 1.64.
    """
    # Pure Python on the same tracks: this runs once per reading when serving.
    hours = min(max(age_hours, first_hour()), last_hour())
    tracks = bhutani_percentiles(hours)
    t40, t75, t95 = (math.log(v) for v in (tracks.p40_mg_dl, tracks.p75_mg_dl, tracks.p95_mg_dl))
    log_value = math.log(max(value_mg_dl, 0.1))
    if log_value <= t75:
        slope = (t75 - t40) / (Z_TRACKS[1] - Z_TRACKS[0])
    else:
        slope = (t95 - t75) / (Z_TRACKS[2] - Z_TRACKS[1])
    return float(Z_TRACKS[1] + (log_value - t75) / slope)
