"""How close the cohort simulator comes to the published cohorts (issue #17).

Each figure is measured on a simulated cohort the way its paper measured it on real infants: a
study sample taken at an age the paper's protocol allows, measured with laboratory error, and
a later follow-up measurement, also with laboratory error. The simulator's true trajectories
are never read directly as an outcome.

- **Bhutani 1999, Table 3** (DOMAIN.md): infants ≥ 36 weeks without a positive DAT (no
  isoimmune haemolysis), not treated before the sample; one pre-discharge TSB at 18–72 h puts
  the infant in a zone of the hour-specific nomogram; one follow-up TSB 24–72 h later is
  "above the 95th percentile" or not. Published: high 39.5 %, high-intermediate 12.9 %,
  low-intermediate 2.2 %, low 0 %.
- **The tracks themselves**: the share of that population whose measured TSB is above the 40th,
  75th and 95th tracks at 24, 48, 72 and 96 h (60 %, 25 % and 5 % by the tracks' definition).
- **Kaiser Permanente 2021** (DOMAIN.md): infants ≥ 35 weeks whose pre-discharge TSB (the
  simulator's own pre-discharge sample time) was below the AAP 2022 phototherapy threshold; the
  outcome is a later TSB at or above the threshold before 14 days (the infant's highest excess
  over the threshold after the sample, measured once with laboratory error). Published: 1.8 %
  overall; about 56 % at Δ 0–1 mg/dL below the threshold, about 0.008 % at Δ > 7 mg/dL.
- **Room below the threshold at 48 h**: the share of term infants (≥ 38 weeks, no neurotoxicity
  risk) 7 mg/dL or more below their threshold at 48 h. Not a published figure: derived from the
  Bhutani tracks and the AAP 2022 table (40th percentile 8.6 mg/dL at 48 h, thresholds of
  16–17 mg/dL at 38–40 weeks): 57 % of the simulator's term mix would be, on the tracks.

`TARGETS` holds each published figure with the tolerance the tests hold the simulator to; the
reasons for each tolerance are in docs/model-card.md ("Simulator calibration").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from risk_model import nomogram
from risk_model.features import FOLLOW_UP_HOURS
from risk_model.simulator import PARAMETERS, Cohort, Parameters, phototherapy_threshold, true_tsb

ZONES = ("high", "high_intermediate", "low_intermediate", "low")
TRACK_HOURS = (24, 48, 72, 96)
DELTA_BANDS = ((0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, None))


@dataclass(frozen=True)
class Target:
    published: float  # a share, 0–1
    low: float  # the tolerance: the simulator's figure must lie in [low, high]
    high: float
    source: str


TARGETS: dict[str, Target] = {
    "bhutani_high": Target(0.395, 0.32, 0.47, "Bhutani 1999 Table 3"),
    "bhutani_high_intermediate": Target(0.129, 0.09, 0.17, "Bhutani 1999 Table 3"),
    "bhutani_low_intermediate": Target(0.022, 0.007, 0.037, "Bhutani 1999 Table 3"),
    "bhutani_low": Target(0.0, 0.0, 0.005, "Bhutani 1999 Table 3"),
    "kaiser_overall": Target(0.018, 0.012, 0.024, "Kaiser Permanente 2021"),
    "kaiser_delta_0_1": Target(0.56, 0.40, 0.72, "Kaiser Permanente 2021"),
    "kaiser_delta_over_7": Target(0.00008, 0.0, 0.0005, "Kaiser Permanente 2021"),
}


def _room_on_the_tracks(p: Parameters = PARAMETERS) -> float:
    """The share of term infants (38–41 weeks, the simulator's mix) 7 mg/dL or more below
    their AAP 2022 phototherapy threshold at 48 h if they followed the Bhutani tracks exactly
    (the issue's "roughly half"; 57 % for this mix)."""
    weeks = [w for w in p.ga_weeks_share if w >= 38]
    total = sum(p.ga_weeks_share[w] for w in weeks)
    share = 0.0
    for w in weeks:
        below = float(phototherapy_threshold(0, w, 48.0)) - 7.0
        share += p.ga_weeks_share[w] / total * float(ndtr(nomogram.position(below, 48.0)))
    return share


_ROOM = _room_on_the_tracks()
TARGETS["term_7_below_at_48h"] = Target(
    _ROOM, _ROOM - 0.05, _ROOM + 0.05, "Bhutani tracks vs AAP 2022 (derived)"
)
# By the tracks' definition; the digitised tracks are weaker before 48 h (DOMAIN.md).
TRACK_SHARES = {"p40": 0.60, "p75": 0.25, "p95": 0.05}
TRACK_TOLERANCE = {"p40": 0.05, "p75": 0.05, "p95": 0.025}


def _lab(rng: np.random.Generator, truth: np.ndarray, p: Parameters) -> np.ndarray:
    """A laboratory TSB of the true values (the simulator's own lab error)."""
    sd = p.tsb_noise_sd_mg_dl + p.tsb_noise_sd_per_mg_dl * truth
    return np.maximum(truth + rng.standard_normal(truth.shape) * sd, 0.1)


def _zones(value: np.ndarray, age: np.ndarray) -> np.ndarray:
    tracks = nomogram.tracks_mg_dl(age)
    return np.select(
        [value > tracks[:, 2], value >= tracks[:, 1], value >= tracks[:, 0]],
        ["high", "high_intermediate", "low_intermediate"],
        "low",
    )


def _threshold(a: dict, index: np.ndarray, age) -> np.ndarray:
    return phototherapy_threshold(a["neurotoxicity_curves"][index], a["ga_weeks"][index], age)


def _max_excess_after(a: dict, index: np.ndarray, start: np.ndarray, p: Parameters) -> np.ndarray:
    """Each infant's highest (true TSB − threshold) after `start` up to 14 days (hourly)."""
    hours = np.arange(0, FOLLOW_UP_HOURS + 1, dtype=float)
    best = np.full(len(index), -np.inf)
    for lo in range(0, len(index), 20_000):
        part = slice(lo, lo + 20_000)
        i = index[part]
        excess = true_tsb(a, i[:, None], hours[None, :], p) - _threshold(a, i[:, None], hours)
        excess = np.where(hours[None, :] > start[part, None], excess, -np.inf)
        best[part] = excess.max(axis=1)
    return best


def report(cohort: Cohort, p: Parameters = PARAMETERS, seed: int = 0) -> dict:
    """The calibration figures of a simulated cohort (shares 0–1, with the counts behind them)."""
    rng = np.random.default_rng([cohort.seed, seed, 17])
    a = cohort.infants
    n = cohort.size

    # Bhutani's population and protocol.
    bhutani = np.flatnonzero((a["ga_weeks"] >= 36) & ~a["isoimmune_haemolysis"])
    sample_age = rng.uniform(18.0, 72.0, len(bhutani))
    crossing = a["crossing_age_hours"][bhutani]
    untreated = ~(crossing <= sample_age)  # NaN (never crosses) counts as untreated
    bhutani, sample_age = bhutani[untreated], sample_age[untreated]
    sample = _lab(rng, true_tsb(a, bhutani, sample_age, p), p)
    zone = _zones(sample, sample_age)
    follow_age = sample_age + rng.uniform(24.0, 72.0, len(bhutani))
    follow = _lab(rng, true_tsb(a, bhutani, follow_age, p), p)
    above_95 = follow > nomogram.tracks_mg_dl(follow_age)[:, 2]
    zones = {}
    for name in ZONES:
        members = zone == name
        zones[name] = {
            "infants": int(members.sum()),
            "share_of_cohort": float(members.mean()),
            "later_above_95th": float(above_95[members].mean()) if members.any() else None,
        }

    tracks = {}
    population = np.flatnonzero((a["ga_weeks"] >= 36) & ~a["isoimmune_haemolysis"])
    for hour in TRACK_HOURS:
        measured = _lab(rng, true_tsb(a, population, float(hour), p), p)
        t = nomogram.tracks_mg_dl(np.full(len(population), float(hour)))
        tracks[hour] = {
            name: float((measured > t[:, k]).mean()) for k, name in enumerate(TRACK_SHARES)
        }

    # Kaiser's population and protocol: the pre-discharge sample below the threshold.
    discharge_sample = a["discharge_age_hours"] - rng.uniform(*p.predischarge_lead_hours, n)
    kaiser = np.flatnonzero(a["ga_weeks"] >= 35)
    at = discharge_sample[kaiser]
    value = _lab(rng, true_tsb(a, kaiser, at, p), p)
    delta = _threshold(a, kaiser, at) - value
    keep = (delta > 0) & ~(a["crossing_age_hours"][kaiser] <= at)
    kaiser, at, delta = kaiser[keep], at[keep], delta[keep]
    excess = _max_excess_after(a, kaiser, at, p)
    lab_sd = p.tsb_noise_sd_mg_dl + p.tsb_noise_sd_per_mg_dl * 15.0
    crossed = excess + rng.standard_normal(len(excess)) * lab_sd >= 0
    bands = []
    for lo, hi in DELTA_BANDS:
        members = (delta >= lo) & (delta < hi if hi is not None else True)
        bands.append(
            {
                "delta_mg_dl": f"{lo}–{hi}" if hi is not None else f"≥ {lo}",
                "infants": int(members.sum()),
                "crossed": float(crossed[members].mean()) if members.any() else None,
            }
        )

    term = np.flatnonzero((a["ga_weeks"] >= 38) & ~a["neurotoxicity_curves"])
    at_48 = _lab(rng, true_tsb(a, term, 48.0, p), p)
    room = _threshold(a, term, 48.0) - at_48

    figures = {
        "bhutani_high": zones["high"]["later_above_95th"],
        "bhutani_high_intermediate": zones["high_intermediate"]["later_above_95th"],
        "bhutani_low_intermediate": zones["low_intermediate"]["later_above_95th"],
        "bhutani_low": zones["low"]["later_above_95th"],
        "kaiser_overall": float(crossed.mean()),
        "kaiser_delta_0_1": bands[0]["crossed"],
        "kaiser_delta_over_7": bands[-1]["crossed"],
        "term_7_below_at_48h": float((room >= 7).mean()),
    }
    return {
        "infants": n,
        "seed": cohort.seed,
        "figures": figures,
        "zones": zones,
        "tracks": tracks,
        "kaiser_infants": int(len(kaiser)),
        "delta_bands": bands,
    }


def within_tolerance(figures: dict) -> dict[str, bool]:
    return {
        name: target.low <= figures[name] <= target.high
        for name, target in TARGETS.items()
        if figures[name] is not None
    }


def format_report(result: dict) -> str:
    """The report as text, each simulated figure beside the published one."""
    f, ok = result["figures"], within_tolerance(result["figures"])

    def pct(x, digits=1):
        return "—" if x is None else f"{100 * x:.{digits}f} %"

    lines = [
        f"Simulator calibration: {result['infants']:,} SYNTHETIC infants, seed {result['seed']}",
        "",
        "Bhutani 1999, Table 3: later TSB above the 95th percentile, by pre-discharge zone",
        f"  {'zone':<20}{'infants':>9}{'of cohort':>11}{'simulated':>11}{'published':>11}"
        f"{'tolerance':>17}",
    ]
    for name in ZONES:
        z, key = result["zones"][name], f"bhutani_{name}"
        t = TARGETS[key]
        lines.append(
            f"  {name:<20}{z['infants']:>9,}{pct(z['share_of_cohort']):>11}"
            f"{pct(z['later_above_95th']):>11}{pct(t.published):>11}"
            f"{pct(t.low) + '–' + pct(t.high):>17}  {'ok' if ok.get(key) else 'OUT'}"
        )
    lines += ["", "Share above each Bhutani track (measured TSB, ≥ 36 weeks, no positive DAT)"]
    lines.append(f"  {'hour':<8}" + "".join(f"{'> ' + k[1:] + 'th':>10}" for k in TRACK_SHARES))
    for hour, shares in result["tracks"].items():
        lines.append(f"  {hour:<8}" + "".join(f"{pct(shares[k]):>10}" for k in TRACK_SHARES))
    lines.append(f"  {'defined':<8}" + "".join(f"{pct(v):>10}" for v in TRACK_SHARES.values()))
    lines += [
        "",
        "Kaiser Permanente 2021: a later TSB at or above the phototherapy threshold, by Δ "
        f"({result['kaiser_infants']:,} infants under the threshold at the pre-discharge TSB)",
        f"  {'Δ mg/dL':<10}{'infants':>10}{'simulated':>12}{'published':>11}",
    ]
    published = {
        0: TARGETS["kaiser_delta_0_1"],
        len(DELTA_BANDS) - 1: TARGETS["kaiser_delta_over_7"],
    }
    for k, band in enumerate(result["delta_bands"]):
        shown = pct(published[k].published, 3) if k in published else ""
        lines.append(
            f"  {band['delta_mg_dl']:<10}{band['infants']:>10,}{pct(band['crossed'], 3):>12}"
            f"{shown:>11}"
        )
    for key, label in (
        ("kaiser_overall", "overall"),
        ("kaiser_delta_0_1", "Δ 0–1"),
        ("kaiser_delta_over_7", "Δ ≥ 7"),
        ("term_7_below_at_48h", "term infants ≥ 7 mg/dL below the threshold at 48 h"),
    ):
        t = TARGETS[key]
        said = "on the tracks" if "derived" in t.source else "published"
        lines.append(
            f"  {label}: simulated {pct(f[key], 3)}, {said} {pct(t.published, 3)}, "
            f"tolerance {pct(t.low, 3)}–{pct(t.high, 3)}: {'ok' if ok.get(key) else 'OUT'}"
        )
    return "\n".join(lines) + "\n"
