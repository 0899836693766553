"""The synthetic cohort: deterministic, faithful to the Bhutani tracks it is built on, and
producing what parents produce (meter error, gaps, follow-up that stops at referral)."""

import numpy as np
import pytest

from risk_model import nomogram
from risk_model.features import FOLLOW_UP_HOURS, HORIZON_HOURS
from risk_model.simulator import PARAMETERS, phototherapy_threshold, simulate, true_tsb
from risk_model.tables import Kind, aap_threshold_mg_dl, bhutani_percentiles


@pytest.fixture(scope="module")
def cohort():
    return simulate(30_000, seed=5)


def _same(a, b):
    return all(np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f") for k in a)


def test_same_seed_gives_the_same_cohort_and_another_seed_does_not():
    first, again, other = simulate(500, seed=9), simulate(500, seed=9), simulate(500, seed=10)

    for part in ("infants", "readings", "weights"):
        assert _same(getattr(first, part), getattr(again, part))
    assert not np.array_equal(first.infants["latent_z_early"], other.infants["latent_z_early"])


@pytest.mark.parametrize("hours", [24, 48, 72, 96, 120, 144])
def test_reference_infants_sit_a_little_below_the_tracks_and_spread_less(cohort, hours):
    """Infants with no condition (≥ 37 weeks, no haemolysis, intake, bruising or family
    history): their true TSB percentiles are the tracks pulled in by the calibrated position
    spread and shift (the whole population, measured with lab error, sits on the tracks:
    tests/risk_model/test_calibration.py)."""
    a = cohort.infants
    reference = (
        (a["ga_weeks"] >= 37)
        & ~a["g6pd_deficiency"]
        & ~a["isoimmune_haemolysis"]
        & ~a["suboptimal_intake"]
        & ~a["bruising"]
        & ~a["family_phototherapy"]
    )
    tsb = true_tsb(a, np.flatnonzero(reference), hours)
    p = PARAMETERS
    expected = [
        nomogram.value_at(p.position_sd * z + p.reference_z_shift, hours) for z in nomogram.Z_TRACKS
    ]

    observed = np.percentile(tsb, [40, 75, 95])

    assert observed == pytest.approx(expected, rel=0.03)
    tracks = bhutani_percentiles(hours)
    assert observed[2] < tracks.p95_mg_dl  # room left for the conditions and the lab error


def test_g6pd_deficiency_is_as_common_as_in_guangdong_and_commoner_in_boys(cohort):
    a = cohort.infants
    boys = a["sex"] == "male"

    overall = a["g6pd_deficiency"].mean()

    # DOMAIN.md: about 3.5 % of Guangdong newborns, several times commoner in boys.
    assert 0.03 <= overall <= 0.04
    assert a["g6pd_deficiency"][boys].mean() > 3 * a["g6pd_deficiency"][~boys].mean()


def test_after_discharge_about_two_percent_reach_the_threshold(cohort):
    a = cohort.infants
    home = a["home_monitored"]

    share = a["crosses_phototherapy"][home].mean()

    # DOMAIN.md: ~1.8 % exceeded the threshold after discharge (Kaiser, ≥ 35 weeks).
    assert 0.01 <= share <= 0.03


def test_haemolysis_and_late_preterm_birth_make_crossing_commoner(cohort):
    a = cohort.infants
    plain = ~a["g6pd_deficiency"] & ~a["isoimmune_haemolysis"]

    def crossing(mask):
        return a["crosses_phototherapy"][mask].mean()

    assert crossing(a["isoimmune_haemolysis"]) > 5 * crossing(plain)
    assert crossing(a["g6pd_deficiency"]) > 5 * crossing(plain)
    assert crossing(plain & (a["ga_weeks"] == 35)) > 3 * crossing(plain & (a["ga_weeks"] == 39))


def test_haemolysis_rises_earlier(cohort):
    a = cohort.infants
    isoimmune = np.flatnonzero(a["isoimmune_haemolysis"])
    plain = np.flatnonzero(~a["isoimmune_haemolysis"] & ~a["g6pd_deficiency"])

    rise = [
        np.mean(true_tsb(a, group, 36) - true_tsb(a, group, 12)) / 24
        for group in (isoimmune, plain)
    ]

    assert rise[0] > 1.5 * rise[1]


def test_the_meter_under_reads_high_values_and_is_noisier_there(cohort):
    r = cohort.readings
    tcb = r["method"] == "tcb"
    error = r["observed_mg_dl"] - r["true_tsb_mg_dl"]
    low, high = tcb & (r["true_tsb_mg_dl"] < 8), tcb & (r["true_tsb_mg_dl"] > 15)

    assert abs(error[low].mean()) < 0.15
    assert error[high].mean() < -0.3
    assert error[high].std() > error[low].std()


def test_readings_are_irregular_mostly_transcutaneous_and_stop_at_14_days(cohort):
    r = cohort.readings
    per_infant = np.bincount(r["infant"])
    gaps = np.diff(r["age_hours"])[np.diff(r["infant"]) == 0]

    assert r["age_hours"].max() <= FOLLOW_UP_HOURS
    assert 0.8 < (r["method"] == "tcb").mean() < 0.9
    assert 0.05 < (r["method"] == "tsb").mean() < 0.2
    assert (r["method"] == "visual").any()
    assert gaps.std() > 6  # not a fixed schedule
    assert (gaps > 40).mean() > 0.1  # days missed
    assert len(set(per_infant[per_infant > 0])) > 5  # parents drop out at different times


def test_infants_treated_before_discharge_are_not_followed_at_home(cohort):
    a, r = cohort.infants, cohort.readings
    treated = np.flatnonzero(a["crossed_before_discharge"])

    assert len(treated) > 0
    assert not np.isin(r["infant"], treated).any()


def test_follow_up_stops_at_the_first_observed_value_at_or_above_the_threshold(cohort):
    a, r = cohort.infants, cohort.readings
    threshold = phototherapy_threshold(
        a["neurotoxicity_curves"][r["infant"]], a["ga_weeks"][r["infant"]], r["age_hours"]
    )
    at_or_above = r["observed_mg_dl"] >= threshold

    last_of_infant = np.r_[r["infant"][1:] != r["infant"][:-1], True]
    assert at_or_above.any()
    assert np.all(last_of_infant[at_or_above])


def test_labels_say_whether_the_true_tsb_reaches_the_threshold_within_72_hours(cohort):
    """Checked against the infant's trajectory sampled every 15 minutes, reading by reading."""
    a, r = cohort.infants, cohort.readings
    rng = np.random.default_rng(0)
    positives = np.flatnonzero(r["reaches_phototherapy_within_72h"])
    sample = np.r_[rng.choice(positives, 150), rng.choice(len(r["infant"]), 150)]
    agree = 0
    for k in sample:
        i, t = r["infant"][k], r["age_hours"][k]
        hours = np.arange(t, min(t + HORIZON_HOURS, FOLLOW_UP_HOURS) + 1e-9, 0.25)
        curves = phototherapy_threshold(a["neurotoxicity_curves"][i], a["ga_weeks"][i], hours)
        reached = bool((true_tsb(a, i, hours) >= curves).any())
        agree += reached == bool(r["reaches_phototherapy_within_72h"][k])
    # The labels come from an hourly grid: a crossing shorter than an hour may differ.
    assert agree >= 0.98 * len(sample)


def test_vectorised_threshold_equals_the_guideline_table():
    for weeks, risk, hours in [
        (35, True, 1.0),
        (38, False, 40.5),
        (41, False, 336.0),
        (37, True, 0.2),
    ]:
        expected = aap_threshold_mg_dl(
            Kind.PHOTOTHERAPY, ga_weeks=weeks, neurotoxicity_risk=risk, age_hours=hours
        )
        assert phototherapy_threshold(risk, weeks, hours) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("hours", [12, 30, 33.3, 96, 148])
def test_nomogram_position_inverts_the_quantile_function(hours):
    for z in (-2.0, -0.25, 0.0, 0.67, 1.64, 3.0):
        value = float(nomogram.value_at(z, hours))
        assert nomogram.position(value, hours) == pytest.approx(z, abs=1e-9)
    tracks = bhutani_percentiles(hours)
    assert float(nomogram.value_at(nomogram.Z_TRACKS[2], hours)) == pytest.approx(tracks.p95_mg_dl)
