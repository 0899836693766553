"""A SYNTHETIC cohort of newborns followed at home, for training and checking the risk model.

No patient data may leave a hospital, so the model learns from infants made here. Nothing in
this module is a patient or a measurement; every number below is a parameter, documented with
its source. Where DOMAIN.md (the project's clinical reference) gives the number it is cited;
everything marked ASSUMPTION is this module's own choice of a plausible value, made to give the
model the right *kind* of problem, and must be replaced by the programme's own data (the outcome
records of issue #5) before anyone reads clinical meaning into a figure the model reports.

The simulator is replaceable: training reads only `Cohort` (infants, readings, weights), the same
shape `python -m risk_model simulate` writes as CSV and a real-data export would fill.

How an infant is made
---------------------
1. Attributes: sex, gestational age, birth weight, feeding, risk factors (prevalences below).
2. A true serum bilirubin (TSB) trajectory, rise → plateau/peak → fall:
   - a *reference* curve from the Bhutani nomogram (`risk_model/nomogram.py`): the infant sits
     at a latent standard-normal position z(h) that drifts slowly with age (infants cross
     percentiles), so that for reference infants the 40th/75th/95th percentiles by hour are the
     published tracks (checked by a test);
   - before 12 h a ramp up from a cord value; after 148 h (the end of the nomogram) an
     exponential decline, slower with breastfeeding (breast-milk jaundice) and prematurity;
   - multiplied by 1 + Σ A·(1 − e^(−h/T)) for each condition present: haemolysis (isoimmune,
     G6PD deficiency) rises early and steeply; late-preterm birth, suboptimal intake and bruising
     raise the curve later and less.
3. The phototherapy threshold of AAP 2022 for the infant (completed weeks; "with neurotoxicity
   risk" curves when haemolysis is present) decides whether and when the true TSB crosses it.
4. What parents produce: one pre-discharge hospital value, then home readings at irregular
   times, days missed, parents dropping out, mostly transcutaneous (TcB) with the meter's error,
   some lab TSB, a few visual estimates; weights now and then. Follow-up stops at the first
   observed value at or above the threshold (the infant is referred and treated) or at 14 days.
   Infants whose true TSB crosses before discharge are treated in hospital and never followed
   at home (like the Kaiser cohort of DOMAIN.md, which excluded them).

Deterministic for a seed: one `numpy.random.Generator` draws everything, in a fixed order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from risk_model import nomogram
from risk_model.features import FOLLOW_UP_HOURS, HORIZON_HOURS
from risk_model.guideline import Method
from risk_model.tables import AAP_LAST_HOUR, AAP_MAX_GA_WEEKS, AAP_MIN_GA_WEEKS, Kind, aap_row


@dataclass(frozen=True)
class Parameters:
    """Every number the simulator uses. Sources: DOMAIN.md, or ASSUMPTION (see module doc)."""

    # --- Population ---------------------------------------------------------------------------
    # ASSUMPTION: births ≥ 35 weeks only (AAP 2022 covers ≥ 35 weeks; infants born earlier stay
    # in hospital). Late preterm 35–36 weeks ≈ 6 % of these, in line with a Chinese preterm-birth
    # rate of roughly 6–7 %, most of it late preterm (order of magnitude from national surveys,
    # not in DOMAIN.md).
    ga_weeks_share: dict[int, float] = field(
        default_factory=lambda: {
            35: 0.02,
            36: 0.04,
            37: 0.10,
            38: 0.22,
            39: 0.32,
            40: 0.23,
            41: 0.07,
        }
    )
    # ASSUMPTION: sex ratio at birth ≈ 1.1 boys per girl (China).
    male_share: float = 0.525
    # ASSUMPTION: birth weight ~ Normal(3350 g at 40 weeks, −160 g per week earlier, SD 400 g),
    # boys +100 g; clipped to 1500–5000 g.
    birth_weight_mean_g_at_40: float = 3350.0
    birth_weight_g_per_week: float = 160.0
    birth_weight_sd_g: float = 400.0
    birth_weight_male_extra_g: float = 100.0
    # ASSUMPTION: feeding at discharge (exclusive breastfeeding, mixed, formula).
    feeding_share: dict[str, float] = field(
        default_factory=lambda: {
            "exclusive_breastfeeding": 0.45,
            "mixed": 0.45,
            "formula": 0.10,
        }
    )
    # ASSUMPTION: share of exclusively breastfed infants with suboptimal intake.
    suboptimal_intake_share_of_ebf: float = 0.20
    # DOMAIN.md: G6PD deficiency in Guangdong newborns about 3.5 % confirmed, X-linked and
    # several times commoner in boys. 5.2 % of boys and 1.5 % of girls give ≈ 3.4 % overall.
    g6pd_share_male: float = 0.052
    g6pd_share_female: float = 0.015
    # ASSUMPTION: isoimmune haemolysis with a positive DAT (ABO or Rh), 1.5 % of births.
    isoimmune_share: float = 0.015
    # ASSUMPTION: a parent or sibling needed phototherapy; scalp haematoma or bruising.
    family_phototherapy_share: float = 0.08
    bruising_share: float = 0.03
    # ASSUMPTION: share of infants whose neurotoxicity risk factors were never assessed
    # (recorded as "not assessed"; the engine then uses the with-risk curves).
    neurotoxicity_not_assessed_share: float = 0.05

    # --- True bilirubin trajectory ------------------------------------------------------------
    # Bhutani 1999 via nomogram.py: percentiles by hour for reference infants (no condition).
    # An infant's position on the nomogram has two parts (issue #17: real values regress to the
    # mean far more than a fixed percentile would):
    # - a latent position that drifts slowly with age: correlation 0.8 between the latent
    #   position at ≤ 24 h and at ≥ 120 h (the nomogram paper shows infants change zones);
    # - short-lived biological variation: a smooth Gaussian process (squared-exponential
    #   correlation, time scale below) holding `transient_share` of the position's variance.
    #   CALIBRATED, not measured: this, the correlation above and the two numbers below were
    #   chosen on a small grid of seed-11 cohorts so that the simulator reproduces Bhutani 1999
    #   Table 3 and the Kaiser crossing rates measured as the papers did
    #   (risk_model/calibration.py, `python -m risk_model calibrate-report`; tests hold them on
    #   other seeds; tolerances in docs/model-card.md).
    percentile_tracking_correlation: float = 0.8
    tracking_drift_from_hours: float = 24.0
    tracking_drift_until_hours: float = 120.0
    transient_share: float = 0.25
    transient_timescale_hours: float = 24.0
    transient_features: int = 6  # random Fourier features per infant
    # CALIBRATED: reference infants sit this many SDs lower, so that the whole population of
    # Bhutani's kind (≥ 36 weeks, no positive DAT, with its share of G6PD deficiency, poor
    # intake and family history) follows the published tracks, not only its healthiest part.
    reference_z_shift: float = -0.05
    # CALIBRATED: the published tracks are of *measured* TSB; true positions spread a little
    # less, the laboratory error (below) making up the rest.
    position_sd: float = 0.82
    # ASSUMPTION: family history moves the infant up the nomogram by this many SDs.
    family_history_z_shift: float = 0.5
    # ASSUMPTION: at birth the TSB is this share of its 12-hour value (cord TSB ~1.5–2.5 mg/dL),
    # rising linearly to 12 h.
    birth_share_of_12h_value: float = 0.35
    # ASSUMPTION: after 148 h the TSB falls exponentially with this time constant (hours), by
    # feeding, times a per-infant LogNormal(0, 0.3) factor; late-preterm infants fall more slowly.
    decline_tau_hours: dict[str, float] = field(
        default_factory=lambda: {
            "exclusive_breastfeeding": 240.0,
            "mixed": 160.0,
            "formula": 96.0,
        }
    )
    decline_tau_log_sd: float = 0.3
    decline_tau_preterm_per_week: float = 0.15
    # ASSUMPTION: condition effects, TSB × (1 + A·(1 − e^(−h/T))). Haemolysis: early and steep
    # (DOMAIN.md: rapid rise suggests haemolysis), A drawn per infant LogNormal(log median, sd).
    isoimmune_amplitude_median: float = 0.6
    isoimmune_amplitude_log_sd: float = 0.5
    isoimmune_time_hours: float = 18.0
    g6pd_amplitude_median: float = 0.25
    g6pd_amplitude_log_sd: float = 0.8
    g6pd_time_hours: float = 48.0
    # Lower gestational age: higher and later (DOMAIN.md: lower GA is a risk factor).
    preterm_amplitude_per_week_below_37: float = 0.12
    preterm_time_hours: float = 96.0
    suboptimal_intake_amplitude: float = 0.15
    suboptimal_intake_time_hours: float = 72.0
    bruising_amplitude: float = 0.10
    bruising_time_hours: float = 48.0

    # --- What is observed ---------------------------------------------------------------------
    # ASSUMPTION: discharge between 24 and 96 h (early vaginal to caesarean births).
    discharge_hours: tuple[float, float] = (24.0, 96.0)
    # ASSUMPTION: the pre-discharge value is taken 0–6 h before discharge; TSB in 30 %, else TcB.
    predischarge_lead_hours: tuple[float, float] = (0.0, 6.0)
    predischarge_tsb_share: float = 0.30
    # ASSUMPTION: first home reading 12–30 h after discharge; then about daily, the gap
    # 24 h × LogNormal(0, 0.35); a day missed with probability 0.2; parents stop after any home
    # reading with probability 0.1.
    first_home_after_discharge_hours: tuple[float, float] = (12.0, 30.0)
    home_gap_hours: float = 24.0
    home_gap_log_sd: float = 0.35
    missed_day_probability: float = 0.2
    dropout_probability: float = 0.1
    max_home_readings: int = 14
    # ASSUMPTION: home readings are TcB 88 %, lab TSB 9 %, visual estimate 3 %.
    home_method_share: dict[str, float] = field(
        default_factory=lambda: {"tcb": 0.88, "tsb": 0.09, "visual": 0.03}
    )
    # DOMAIN.md: TcB tracks TSB closely at low values and under-reads at high values.
    # ASSUMPTION for the sizes: bias −0.15 mg/dL per mg/dL above 12; noise SD 0.8 + 0.05 × TSB.
    tcb_under_read_above_mg_dl: float = 12.0
    tcb_under_read_per_mg_dl: float = 0.15
    tcb_noise_sd_mg_dl: float = 0.8
    tcb_noise_sd_per_mg_dl: float = 0.05
    # ASSUMPTION: laboratory TSB noise SD 0.3 + 0.03 × TSB; a visual estimate × LogNormal(0, 0.3).
    tsb_noise_sd_mg_dl: float = 0.3
    tsb_noise_sd_per_mg_dl: float = 0.03
    visual_log_sd: float = 0.3
    # ASSUMPTION: before 25 % of home readings the parents also sent a usable skin photo, taken
    # 0–12 h before the reading; its estimate is the true TSB then + Normal(0, 2.2) mg/dL
    # (DOMAIN.md: published correlations 0.84–0.91, i.e. errors of about 2 mg/dL at these levels).
    photo_share: float = 0.25
    photo_lead_hours: tuple[float, float] = (0.0, 12.0)
    photo_noise_sd_mg_dl: float = 2.2
    # ASSUMPTION: weighed at discharge and at 30 % of home readings (scale SD 20 g). Weight loss
    # to a nadir at 72–96 h, back to birth weight by 240 h: nadir loss Normal(6 %, 2 %) when fed
    # well, Normal(11 %, 2 %) with suboptimal intake (DOMAIN.md: > 10 % suggests suboptimal
    # intake), Normal(4 %, 1.5 %) when formula-fed.
    weighed_share: float = 0.30
    scale_sd_g: float = 20.0
    weight_nadir_loss: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "fed_well": (0.06, 0.02),
            "suboptimal_intake": (0.11, 0.02),
            "formula": (0.04, 0.015),
        }
    )


PARAMETERS = Parameters()

FEEDINGS = ("exclusive_breastfeeding", "mixed", "formula")
METHODS = (Method.TCB.value, Method.TSB.value, Method.VISUAL.value)


@dataclass
class Cohort:
    """A simulated cohort as plain arrays: one row per infant, per reading, per weighing, per
    skin-photo estimate.

    `readings`, `weights` and `photos` refer to infants by their row index in `infants`.
    """

    seed: int
    infants: dict[str, np.ndarray]
    readings: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]
    photos: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return len(self.infants["infant_id"])


@cache
def _threshold_grid() -> np.ndarray:
    """AAP 2022 phototherapy thresholds as an array [with_risk 0/1, ga_row 0..5, hour 0..336].

    Hour 0 repeats hour 1 (DOMAIN.md: below 1 hour use hour 1).
    """
    grid = np.empty((2, AAP_MAX_GA_WEEKS - AAP_MIN_GA_WEEKS + 1, AAP_LAST_HOUR + 1))
    for risk in (0, 1):
        for row, weeks in enumerate(range(AAP_MIN_GA_WEEKS, AAP_MAX_GA_WEEKS + 1)):
            values = aap_row(Kind.PHOTOTHERAPY, ga_weeks=weeks, neurotoxicity_risk=bool(risk))
            grid[risk, row, 1:] = values
            grid[risk, row, 0] = values[0]
    return grid


def phototherapy_threshold(with_risk, ga_weeks, age_hours) -> np.ndarray:
    """Vectorised AAP 2022 phototherapy threshold (mg/dL), linear between whole hours."""
    grid = _threshold_grid()
    risk = np.asarray(with_risk, dtype=int)
    row = np.clip(np.asarray(ga_weeks, dtype=int), AAP_MIN_GA_WEEKS, AAP_MAX_GA_WEEKS)
    row = row - AAP_MIN_GA_WEEKS
    hours = np.clip(np.asarray(age_hours, dtype=float), 1.0, float(AAP_LAST_HOUR))
    lower = np.floor(hours).astype(int)
    upper = np.minimum(lower + 1, AAP_LAST_HOUR)
    fraction = hours - lower
    return grid[risk, row, lower] * (1 - fraction) + grid[risk, row, upper] * fraction


def _choice(rng: np.random.Generator, shares: dict, size: int) -> np.ndarray:
    keys = list(shares)
    probabilities = np.array([shares[k] for k in keys], dtype=float)
    return np.array(keys)[rng.choice(len(keys), size=size, p=probabilities / probabilities.sum())]


def _draw_infants(rng: np.random.Generator, n: int, p: Parameters) -> dict[str, np.ndarray]:
    male = rng.random(n) < p.male_share
    ga_weeks = _choice(rng, p.ga_weeks_share, n).astype(int)
    ga_days = rng.integers(0, 7, n)
    ga_exact = ga_weeks + ga_days / 7
    weight = rng.normal(
        p.birth_weight_mean_g_at_40 - p.birth_weight_g_per_week * (40 - ga_exact),
        p.birth_weight_sd_g,
    )
    weight = np.clip(np.round(weight + male * p.birth_weight_male_extra_g), 1500, 5000).astype(int)
    feeding = _choice(rng, p.feeding_share, n)
    ebf = feeding == "exclusive_breastfeeding"
    suboptimal = ebf & (rng.random(n) < p.suboptimal_intake_share_of_ebf)
    g6pd = rng.random(n) < np.where(male, p.g6pd_share_male, p.g6pd_share_female)
    isoimmune = rng.random(n) < p.isoimmune_share
    family = rng.random(n) < p.family_phototherapy_share
    bruising = rng.random(n) < p.bruising_share
    assessed = rng.random(n) >= p.neurotoxicity_not_assessed_share

    z1 = rng.standard_normal(n) + family * p.family_history_z_shift
    z2 = rng.standard_normal(n) + family * p.family_history_z_shift
    # The short-lived variation as random Fourier features: frequencies from the spectral
    # density of a squared-exponential correlation, Gaussian weights, so that at every age it
    # is exactly standard normal and corr(h, h + d) = exp(−d² / 2ℓ²) on average.
    k = p.transient_features
    omega = rng.normal(0.0, 1.0 / p.transient_timescale_hours, (n, k))
    weights_cos = rng.standard_normal((n, k))
    weights_sin = rng.standard_normal((n, k))
    preterm_weeks = np.clip(37 - ga_exact, 0, None)
    tau = np.array([p.decline_tau_hours[f] for f in feeding])
    tau = tau * np.exp(rng.normal(0, p.decline_tau_log_sd, n))
    tau = tau * (1 + p.decline_tau_preterm_per_week * preterm_weeks)
    a_isoimmune = (
        isoimmune
        * p.isoimmune_amplitude_median
        * np.exp(rng.normal(0, p.isoimmune_amplitude_log_sd, n))
    )
    a_g6pd = g6pd * p.g6pd_amplitude_median * np.exp(rng.normal(0, p.g6pd_amplitude_log_sd, n))
    nadir_kind = np.where(
        feeding == "formula", "formula", np.where(suboptimal, "suboptimal_intake", "fed_well")
    )
    nadir_mean = np.array([p.weight_nadir_loss[k][0] for k in nadir_kind])
    nadir_sd = np.array([p.weight_nadir_loss[k][1] for k in nadir_kind])
    nadir_loss = np.clip(rng.normal(nadir_mean, nadir_sd), 0.0, 0.2)
    discharge = rng.uniform(*p.discharge_hours, n)
    return {
        "infant_id": np.arange(1, n + 1),
        "sex": np.where(male, "male", "female"),
        "ga_weeks": ga_weeks,
        "ga_days": ga_days,
        "birth_weight_g": weight,
        "feeding": feeding,
        "g6pd_deficiency": g6pd,
        "isoimmune_haemolysis": isoimmune,
        "suboptimal_intake": suboptimal,
        "family_phototherapy": family,
        "bruising": bruising,
        "neurotoxicity_assessed": assessed,
        # The threshold curve a clinician who knows the truth would use.
        "neurotoxicity_curves": g6pd | isoimmune,
        "latent_z_early": z1,
        "latent_z_late": z2,
        "transient_omega": omega,
        "transient_cos": weights_cos,
        "transient_sin": weights_sin,
        "decline_tau_hours": tau,
        "isoimmune_amplitude": a_isoimmune,
        "g6pd_amplitude": a_g6pd,
        "weight_nadir_loss": nadir_loss,
        "discharge_age_hours": discharge,
    }


def _transient(infants: dict[str, np.ndarray], index, h: np.ndarray) -> np.ndarray:
    """The short-lived biological variation of infants[index] at ages h: standard normal."""
    omega, a, b = (infants[k] for k in ("transient_omega", "transient_cos", "transient_sin"))
    shape = np.broadcast_shapes(np.shape(index), np.shape(h))
    total = np.zeros(shape)
    for k in range(omega.shape[1]):
        phase = omega[index, k] * h
        total += a[index, k] * np.cos(phase) + b[index, k] * np.sin(phase)
    return total / math.sqrt(omega.shape[1])


def true_tsb(infants: dict[str, np.ndarray], index, age_hours, p: Parameters = PARAMETERS):
    """True TSB (mg/dL) of infants[index] at `age_hours` (arrays broadcast together)."""
    index = np.asarray(index)
    h = np.asarray(age_hours, dtype=float)
    theta_max = math.acos(p.percentile_tracking_correlation)
    drift = np.clip(
        (h - p.tracking_drift_from_hours)
        / (p.tracking_drift_until_hours - p.tracking_drift_from_hours),
        0,
        1,
    )
    theta = theta_max * drift
    latent = (
        np.cos(theta) * infants["latent_z_early"][index]
        + np.sin(theta) * (infants["latent_z_late"][index])
    )
    z = (
        p.position_sd
        * (
            math.sqrt(1 - p.transient_share) * latent
            + math.sqrt(p.transient_share) * _transient(infants, index, h)
        )
        + p.reference_z_shift
    )
    first, last = nomogram.first_hour(), nomogram.last_hour()
    reference = nomogram.value_at(z, h)
    before = h < first
    reference = np.where(
        before,
        reference * (p.birth_share_of_12h_value + (1 - p.birth_share_of_12h_value) * h / first),
        reference,
    )
    reference = np.where(
        h > last,
        reference * np.exp(-(np.maximum(h, last) - last) / infants["decline_tau_hours"][index]),
        reference,
    )
    ga_exact = infants["ga_weeks"][index] + infants["ga_days"][index] / 7
    preterm = np.clip(37 - ga_exact, 0, None) * p.preterm_amplitude_per_week_below_37

    def rise(amplitude, time_hours):
        return amplitude * (1 - np.exp(-h / time_hours))

    factor = (
        1
        + rise(infants["isoimmune_amplitude"][index], p.isoimmune_time_hours)
        + rise(infants["g6pd_amplitude"][index], p.g6pd_time_hours)
        + rise(preterm, p.preterm_time_hours)
        + rise(
            infants["suboptimal_intake"][index] * p.suboptimal_intake_amplitude,
            p.suboptimal_intake_time_hours,
        )
        + rise(infants["bruising"][index] * p.bruising_amplitude, p.bruising_time_hours)
    )
    return reference * factor


def _true_weight(infants, index, age_hours) -> np.ndarray:
    """Weight (g) with loss to a nadir at 72–96 h and back to birth weight by 240 h."""
    h = np.asarray(age_hours, dtype=float)
    loss = infants["weight_nadir_loss"][index]
    shape = np.where(h <= 72, h / 72, np.where(h <= 96, 1.0, np.clip((240 - h) / 144, 0, 1)))
    return infants["birth_weight_g"][index] * (1 - loss * shape)


def _crossings(infants: dict[str, np.ndarray], p: Parameters, chunk: int, progress) -> dict:
    """First age at which the true TSB reaches the phototherapy threshold (≤ 14 days), the
    peak, and an hourly "above the threshold" table used to label readings."""
    n = len(infants["infant_id"])
    hours = np.arange(0, FOLLOW_UP_HOURS + 1, dtype=float)
    crossing = np.full(n, np.nan)
    peak = np.empty(n)
    peak_age = np.empty(n)
    above_cumulative = np.empty((n, len(hours)), dtype=np.int16)
    for start in range(0, n, chunk):
        index = np.arange(start, min(start + chunk, n))
        tsb = true_tsb(infants, index[:, None], hours[None, :], p)
        threshold = phototherapy_threshold(
            infants["neurotoxicity_curves"][index][:, None],
            infants["ga_weeks"][index][:, None],
            hours[None, :],
        )
        above = tsb >= threshold
        above_cumulative[index] = np.cumsum(above, axis=1)
        any_above = above.any(axis=1)
        first = np.argmax(above, axis=1)
        crossing[index] = np.where(any_above, hours[first], np.nan)
        peak[index] = tsb.max(axis=1)
        peak_age[index] = hours[tsb.argmax(axis=1)]
        if progress:
            progress(len(index))
    return {
        "crossing": crossing,
        "peak": peak,
        "peak_age": peak_age,
        "above_cumulative": above_cumulative,
    }


def _observe(
    rng: np.random.Generator, method: np.ndarray, truth: np.ndarray, p: Parameters
) -> np.ndarray:
    """Observed values (mg/dL, to 0.1) for true values by method."""
    tcb_bias = -p.tcb_under_read_per_mg_dl * np.clip(truth - p.tcb_under_read_above_mg_dl, 0, None)
    tcb = (
        truth
        + tcb_bias
        + rng.normal(0, 1, truth.shape) * (p.tcb_noise_sd_mg_dl + p.tcb_noise_sd_per_mg_dl * truth)
    )
    tsb = truth + rng.normal(0, 1, truth.shape) * (
        p.tsb_noise_sd_mg_dl + p.tsb_noise_sd_per_mg_dl * truth
    )
    visual = truth * np.exp(rng.normal(0, p.visual_log_sd, truth.shape))
    observed = np.select([method == "tcb", method == "tsb"], [tcb, tsb], visual)
    return np.maximum(np.round(observed, 1), 0.1)


def _draw_readings(
    rng: np.random.Generator, infants: dict, crossings: dict, p: Parameters
) -> tuple[dict, dict, dict]:
    n = len(infants["infant_id"])
    slots = 1 + p.max_home_readings
    discharge = infants["discharge_age_hours"]
    # Slot 0: the pre-discharge hospital value; slots 1…: home readings.
    times = np.empty((n, slots))
    times[:, 0] = discharge - rng.uniform(*p.predischarge_lead_hours, n)
    first_home = discharge + rng.uniform(*p.first_home_after_discharge_hours, n)
    gaps = p.home_gap_hours * np.exp(rng.normal(0, p.home_gap_log_sd, (n, slots - 2)))
    gaps += p.home_gap_hours * (rng.random((n, slots - 2)) < p.missed_day_probability)
    times[:, 1] = first_home
    times[:, 2:] = first_home[:, None] + np.cumsum(gaps, axis=1)
    # Rounded as stored, so that every rule below sees the ages the readings carry.
    times = np.round(times, 2)
    method = _choice(rng, p.home_method_share, n * slots).reshape(n, slots)
    method[:, 0] = np.where(rng.random(n) < p.predischarge_tsb_share, "tsb", "tcb")
    # Parents stop after any home reading with a fixed probability (geometric drop-out).
    stops = rng.random((n, slots)) < p.dropout_probability
    stops[:, 0] = False
    stopped_before = np.cumsum(stops, axis=1) - stops > 0

    index = np.repeat(np.arange(n)[:, None], slots, axis=1)
    truth = true_tsb(infants, index, times, p)
    observed = _observe(rng, method, truth, p)
    threshold = phototherapy_threshold(
        infants["neurotoxicity_curves"][index], infants["ga_weeks"][index], times
    )
    # Follow-up ends after the first observed value at/above the threshold (referred, treated).
    at_or_above = observed >= threshold
    referred_before = np.cumsum(at_or_above, axis=1) - at_or_above > 0
    home = np.isnan(crossings["crossing"]) | (crossings["crossing"] > discharge)
    keep = home[:, None] & ~stopped_before & ~referred_before & (times <= FOLLOW_UP_HOURS)
    weighed = rng.random((n, slots)) < p.weighed_share
    weighed[:, 0] = True
    scale = rng.normal(0, p.scale_sd_g, (n, slots))
    photographed = rng.random((n, slots)) < p.photo_share
    photographed[:, 0] = False  # the pre-discharge value is measured in hospital
    photo_times = times - rng.uniform(*p.photo_lead_hours, (n, slots))
    photo_estimates = true_tsb(infants, index, photo_times, p) + rng.normal(
        0, p.photo_noise_sd_mg_dl, (n, slots)
    )

    # Label: does the true TSB reach the threshold at the reading or in the 72 h after it?
    cumulative = crossings["above_cumulative"]
    last_grid_hour = cumulative.shape[1] - 1
    start = np.clip(np.ceil(times).astype(int), 0, last_grid_hour)
    end = np.clip(np.floor(times + HORIZON_HOURS).astype(int), 0, last_grid_hour)
    above_by_end = np.take_along_axis(cumulative, end, axis=1)
    above_before_start = np.where(
        start > 0, np.take_along_axis(cumulative, np.maximum(start - 1, 0), axis=1), 0
    )
    in_window = above_by_end - above_before_start > 0
    label = in_window | (truth >= threshold)

    order = np.lexsort((times[keep], index[keep]))
    readings = {
        "infant": index[keep][order],
        "age_hours": np.round(times[keep][order], 2),
        "method": method[keep][order],
        "observed_mg_dl": observed[keep][order],
        "true_tsb_mg_dl": np.round(truth[keep][order], 2),
        "reaches_phototherapy_within_72h": label[keep][order],
    }
    weigh = keep & weighed
    weight_index = index[weigh]
    weight_times = times[weigh]
    order = np.lexsort((weight_times, weight_index))
    grams = _true_weight(infants, weight_index, weight_times) + scale[weigh]
    weights = {
        "infant": weight_index[order],
        "age_hours": np.round(weight_times[order], 2),
        "weight_g": np.round(grams[order]).astype(int),
    }
    shot = keep & photographed
    photo_index, photo_ages = index[shot], photo_times[shot]
    order = np.lexsort((photo_ages, photo_index))
    photos = {
        "infant": photo_index[order],
        "age_hours": np.round(photo_ages[order], 2),
        "estimate_mg_dl": np.maximum(np.round(photo_estimates[shot][order], 1), 0.0),
    }
    return readings, weights, photos


def simulate(
    n_infants: int,
    seed: int,
    params: Parameters = PARAMETERS,
    progress: Callable[[int], None] | None = None,
    chunk: int = 20_000,
) -> Cohort:
    """A cohort of `n_infants` SYNTHETIC infants; the same seed gives the same cohort.

    `progress(k)` is called as each chunk of k infants' trajectories is done.
    """
    if n_infants < 1:
        raise ValueError("n_infants must be at least 1")
    rng = np.random.default_rng(seed)
    infants = _draw_infants(rng, n_infants, params)
    crossings = _crossings(infants, params, chunk, progress)
    infants["crosses_phototherapy"] = ~np.isnan(crossings["crossing"])
    infants["crossing_age_hours"] = crossings["crossing"]
    infants["crossed_before_discharge"] = crossings["crossing"] <= infants["discharge_age_hours"]
    infants["home_monitored"] = ~infants["crossed_before_discharge"]
    infants["peak_tsb_mg_dl"] = crossings["peak"]
    infants["peak_age_hours"] = crossings["peak_age"]
    readings, weights, photos = _draw_readings(rng, infants, crossings, params)
    return Cohort(seed=seed, infants=infants, readings=readings, weights=weights, photos=photos)


def truth_table(cohort: Cohort, every_hours: float, params: Parameters = PARAMETERS) -> dict:
    """True TSB of every infant every `every_hours` hours from 0 up to 14 days."""
    hours = np.arange(0, FOLLOW_UP_HOURS + 1e-9, every_hours)
    index = np.repeat(np.arange(cohort.size), len(hours))
    ages = np.tile(hours, cohort.size)
    return {
        "infant_id": cohort.infants["infant_id"][index],
        "age_hours": np.round(ages, 2),
        "true_tsb_mg_dl": np.round(true_tsb(cohort.infants, index, ages, params), 2),
    }
