"""Training is deterministic for a seed; a model file is loaded only when it fits the code."""

import json

import numpy as np
import pytest
import skops.io as sio

from risk_model import features, metrics
from risk_model import model as risk
from risk_model.__main__ import main
from risk_model.dataset import build
from risk_model.simulator import simulate


def _rewrite(source, target, change):
    """Copy a model file with its content changed by `change(content)`."""
    content = sio.load(source, trusted=risk.TRUSTED_TYPES)
    change(content)
    sio.dump(content, target)


def test_same_seed_trains_the_same_model():
    first = risk.train(n_infants=2500, seed=31)
    again = risk.train(n_infants=2500, seed=31)
    X = build(simulate(300, seed=32)).X[:, first.columns]

    assert first.metadata["validation_metrics"] == again.metadata["validation_metrics"]
    assert first.metadata["selected"] == again.metadata["selected"]
    assert np.array_equal(first.model.predict_proba(X), again.model.predict_proba(X))


def test_saved_model_loads_back_with_the_same_predictions_and_metadata(
    trained_risk_model, tmp_path
):
    loaded = risk.load(trained_risk_model)
    copy = tmp_path / "copy.skops"
    risk.save(loaded, copy)
    X = build(simulate(300, seed=33)).X

    again = risk.load(copy)

    assert again.metadata == loaded.metadata
    assert np.array_equal(again.probability(X), loaded.probability(X))
    meta = loaded.metadata
    assert meta["features"] == list(features.FEATURES)
    assert meta["training_seed"] == 101 and meta["training_infants"] == 3000
    assert {"sklearn_version", "created_at", "validation_metrics", "model_version"} <= set(meta)
    assert meta["features_never_observed"] == []  # the photo estimate included (issue #6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["metadata"].update(features=c["metadata"]["features"][:-1]), "feature list"),
        (lambda c: c["metadata"].update(sklearn_version="0.24.2"), "scikit-learn 0.24.2"),
        (lambda c: c["metadata"].update(format_version=0), "file format 0"),
        (lambda c: c["metadata"].update(horizon_hours=48), "48 h ahead"),
    ],
)
def test_a_model_that_does_not_fit_the_code_is_refused(
    trained_risk_model, tmp_path, change, message
):
    target = tmp_path / "mismatch.skops"
    _rewrite(trained_risk_model, target, change)

    with pytest.raises(risk.ModelFileError, match=message) as refused:
        risk.load(target)

    assert "Retrain" in str(refused.value)


class Stranger:
    """A type no model file of ours contains."""


def test_a_file_asking_for_an_untrusted_type_is_refused_before_loading(tmp_path):
    target = tmp_path / "stranger.skops"
    sio.dump({"metadata": {}, "model": Stranger()}, target)

    with pytest.raises(risk.ModelFileError, match="does not trust: .*Stranger"):
        risk.load(target)


def test_a_damaged_or_missing_file_is_refused_with_a_clear_message(trained_risk_model, tmp_path):
    damaged = tmp_path / "damaged.skops"
    damaged.write_bytes(trained_risk_model.read_bytes()[:1000])

    with pytest.raises(risk.ModelFileError, match="not a readable skops model file"):
        risk.load(damaged)
    with pytest.raises(risk.ModelFileError, match="train_risk_model"):
        risk.load(tmp_path / "absent.skops")


def test_evaluation_refuses_the_training_seed(trained_risk_model, capsys):
    code = main(["evaluate", "--model", str(trained_risk_model), "--seed", "101", "--quiet"])

    assert code == 2
    assert "is the training seed" in capsys.readouterr().err


def test_evaluate_json_gives_one_object_per_model_and_baseline(
    trained_risk_model, capsys, tmp_path
):
    plot = tmp_path / "calibration.png"

    code = main(
        [
            "evaluate",
            "--model",
            str(trained_risk_model),
            "--infants",
            "1500",
            "--seed",
            "7",
            "--json",
            "--quiet",
            "--plot",
            str(plot),
        ]
    )

    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows][2:] == ["aap_gap_rule", "nomogram_zone"]
    assert {r["role"] for r in rows} == {"selected model", "candidate", "baseline"}
    for row in rows:
        for key in (
            "auroc",
            "average_precision",
            "brier",
            "calibration_slope",
            "flagged_share_at_sensitivity_98",
        ):
            assert isinstance(row[key], float), (row["name"], key)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_writes_the_stable_csv_files_identically_for_a_seed(tmp_path, capsys):
    for out in ("a", "b"):
        assert (
            main(
                [
                    "simulate",
                    "--infants",
                    "50",
                    "--seed",
                    "4",
                    "--out",
                    str(tmp_path / out),
                    "--truth-every-hours",
                    "24",
                ]
            )
            == 0
        )
    capsys.readouterr()

    for name, header in [
        ("infants.csv", "infant_id,sex,ga_weeks,ga_days,birth_weight_g,feeding,"),
        ("readings.csv", "infant_id,age_hours,method,observed_mg_dl,true_tsb_mg_dl"),
        ("truth.csv", "infant_id,age_hours,true_tsb_mg_dl"),
    ]:
        text = (tmp_path / "a" / name).read_text()
        assert text.startswith(header)
        assert text == (tmp_path / "b" / name).read_text()
    truth_rows = (tmp_path / "a" / "truth.csv").read_text().strip().splitlines()[1:]
    assert len(truth_rows) == 50 * 15  # every 24 h from 0 to 336 h


def test_calibration_slope_is_one_when_calibrated_and_below_one_when_overconfident():
    rng = np.random.default_rng(0)
    p = rng.beta(0.5, 8, 200_000)
    y = rng.random(len(p)) < p
    logit = np.log(p / (1 - p))
    overconfident = 1 / (1 + np.exp(-2 * logit))

    slope, intercept = metrics.calibration_slope_intercept(y, p)
    steep, _ = metrics.calibration_slope_intercept(y, overconfident)

    assert slope == pytest.approx(1, abs=0.03)
    assert intercept == pytest.approx(0, abs=0.03)
    assert steep == pytest.approx(0.5, abs=0.03)


def test_flagged_share_counts_infants_at_the_cut_that_keeps_98_percent_of_cases():
    # 100 case infants scored 0.50..0.99, 100 others scored 0.00..0.99 (one reading each).
    cases = np.linspace(0.50, 0.99, 100)
    others = np.linspace(0.00, 0.99, 100)
    score = np.r_[cases, others]
    y = np.r_[np.ones(100, bool), np.zeros(100, bool)]
    infant = np.arange(200)

    share, sensitivity, cut = metrics.flagged_share_at_sensitivity(score, y, infant)

    assert cut == pytest.approx(cases[2])  # the 98th highest case score
    assert sensitivity == 0.98
    assert share == pytest.approx((98 + np.sum(others >= cases[2])) / 200)
