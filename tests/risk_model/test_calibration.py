"""The simulator against the published cohorts (issue #17), measured as the papers did.

The simulator's parameters were chosen on cohorts of seed 11; these tests hold them on other
seeds, within the tolerances of risk_model.calibration.TARGETS (reasons: docs/model-card.md).
"""

import numpy as np
import pytest

from risk_model import calibration
from risk_model.__main__ import main
from risk_model.simulator import simulate


@pytest.fixture(scope="module")
def result():
    return calibration.report(simulate(60_000, seed=2028))


@pytest.mark.parametrize("figure", sorted(calibration.TARGETS))
def test_each_published_figure_is_within_its_tolerance(result, figure):
    target = calibration.TARGETS[figure]
    assert target.low <= result["figures"][figure] <= target.high, (
        figure,
        result["figures"][figure],
        target,
    )


def test_the_zone_table_regresses_to_the_mean_and_keeps_its_order(result):
    later = [result["zones"][z]["later_above_95th"] for z in calibration.ZONES]
    # Strictly falling from the high zone down; most high-zone infants are not there later.
    assert later == sorted(later, reverse=True) and len(set(later)) == 4
    assert later[0] < 0.5


@pytest.mark.parametrize("hour", calibration.TRACK_HOURS)
def test_the_population_sits_on_the_bhutani_tracks(result, hour):
    for track, share in calibration.TRACK_SHARES.items():
        simulated = result["tracks"][hour][track]
        assert abs(simulated - share) <= calibration.TRACK_TOLERANCE[track], (hour, track)


def test_the_kaiser_gradient_falls_steeply_with_the_gap(result):
    crossed = [band["crossed"] for band in result["delta_bands"]]
    assert all(a > b for a, b in zip(crossed, crossed[1:], strict=False))
    assert crossed[0] > 100 * crossed[-1]


def test_the_derived_room_target_follows_the_tracks_and_the_guideline():
    # 38–41 weeks at 48 h: thresholds 16.0–17.0 mg/dL; 7 below is 9.0–10.0 mg/dL, between
    # the 40th (8.6) and the 75th track: a little over half of a term cohort.
    room = calibration.TARGETS["term_7_below_at_48h"].published
    assert 0.5 < room < 0.65


def test_the_report_command_prints_each_figure_beside_the_published_one(capsys):
    code = main(["calibrate-report", "--infants", "3000", "--seed", "5"])

    text = capsys.readouterr().out
    assert code in (0, 1)  # a 3,000-infant cohort may stray; the figures above hold on 60,000
    for published in ("39.5 %", "12.9 %", "2.2 %", "1.800 %", "56.000 %", "0.008 %"):
        assert published in text
    assert ("OUT" in text) == (code == 1)


def test_the_report_command_fails_when_a_figure_is_out(monkeypatch, capsys):
    strict = dict(calibration.TARGETS)
    strict["kaiser_overall"] = calibration.Target(0.018, 0.0, 0.0001, "a test's impossible band")
    monkeypatch.setattr(calibration, "TARGETS", strict)

    assert main(["calibrate-report", "--infants", "2000", "--seed", "5"]) == 1
    assert "OUT" in capsys.readouterr().out


def test_the_report_is_reproducible_for_a_seed():
    first = calibration.report(simulate(2000, seed=3))
    again = calibration.report(simulate(2000, seed=3))
    assert first["figures"] == again["figures"]
    assert np.isfinite(list(v for v in first["figures"].values() if v is not None)).all()
