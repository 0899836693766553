"""The calibration card: colour maths, the quality gate, and the correction's worth in numbers
on synthetic photos under mixed illuminants."""

import numpy as np
import pytest

from risk_model import photo


def test_colour_conversions_round_trip():
    rgb = np.random.default_rng(0).uniform(0, 1, (50, 3))

    assert photo.linear_to_srgb(photo.srgb_to_linear(rgb)) == pytest.approx(rgb, abs=1e-9)
    assert photo.lab_to_linear(photo.linear_to_lab(rgb)) == pytest.approx(rgb, abs=1e-6)
    white = photo.linear_to_lab(np.array([1.0, 1.0, 1.0]))
    assert white == pytest.approx([100, 0, 0], abs=0.05)


def test_least_squares_recovers_a_known_colour_transform():
    reference = np.array([photo.REFERENCE_LINEAR[p.name] for p in photo.CARD])
    true = np.array([[1.2, 0.1, 0.0], [0.05, 0.9, 0.1], [0.0, 0.05, 0.7], [0.02, 0.01, 0.03]])
    observed = np.column_stack([reference, np.ones(len(reference))]) @ true

    matrix = photo.fit_correction(observed, reference)

    corrected = np.column_stack([observed, np.ones(len(observed))]) @ matrix
    assert corrected == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize(
    ("defect", "reason"),
    [
        ({"blur": 4.0}, "blurred"),
        ({"exposure": 0.15}, "underexposed"),
        ({"exposure": 4.0}, "overexposed"),
        ({"rect": {"x": 0.0, "y": 0.0, "w": 0.5, "h": 0.5}}, "card_not_found"),
        ({"rect": {"x": 0.2, "y": 0.2, "w": 0.05, "h": 0.05}}, "card_too_small"),
    ],
)
def test_the_quality_gate_names_the_one_thing_to_fix(defect, reason):
    rng = np.random.default_rng(3)
    rect = defect.pop("rect", None)
    image, true_rect = photo.render(rng, 10.0, **defect)

    result = photo.analyse(image, rect or true_rect)

    assert (result.usable, result.reason) == (False, reason)


def test_good_photos_pass_the_gate():
    rng = np.random.default_rng(4)
    results = [photo.analyse(*photo.render(rng, rng.uniform(0, 22))) for _ in range(60)]

    assert sum(r.usable for r in results) >= 57
    assert all(r.lab is not None for r in results if r.usable)


def test_the_card_correction_makes_the_estimate_usable_under_mixed_illuminants():
    corrected = photo.train_estimator(300, seed=11, correct=True).metrics
    raw = photo.train_estimator(300, seed=11, correct=False).metrics
    corrected_r, corrected_mae = corrected["r"], corrected["mae_mg_dl"]
    raw_r, raw_mae = raw["r"], raw["mae_mg_dl"]

    assert corrected_r > 0.95 and corrected_mae < 1.5
    assert raw_r < 0.8 and raw_mae > 2 * corrected_mae


def test_the_band_holds_about_nine_in_ten_fresh_photos_and_the_file_round_trips(tmp_path):
    estimator = photo.train_estimator(400, seed=12)
    path = tmp_path / "estimator.json"
    photo.save_estimator(estimator, path)
    loaded = photo.load_estimator(path)
    assert loaded == estimator

    X, y = photo.synthetic_features(300, seed=99)  # photos the estimator never saw
    estimates = [loaded.estimate(tuple(lab)) for lab in X]
    inside = np.mean([e.low_mg_dl <= t <= e.high_mg_dl for e, t in zip(estimates, y, strict=True)])
    assert 0.8 <= inside <= 0.98
    assert all(e.low_mg_dl <= e.mg_dl <= e.high_mg_dl and e.low_mg_dl >= 0 for e in estimates)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no photo estimator"),
        ("{not json", "unreadable"),
        ('{"format": 99}', "not format"),
        ('{"format": 1, "coefficients": [1, 2]}', "damaged"),
        (
            '{"format": 1, "coefficients": [1, 2, 3], "intercept": 0, "band_mg_dl": 0, '
            '"version": "v", "metrics": {}}',
            "damaged",
        ),
    ],
)
def test_a_missing_or_damaged_estimator_file_is_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "estimator.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(photo.EstimatorFileError, match=message):
        photo.load_estimator(path)
