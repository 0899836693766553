"""Training on exported real outcomes beside simulated infants, and champion/challenger on the
most recent real infants held out by time (issue #17, item 3). The "real" export here is a
simulated cohort written in the export's format (the export itself: tests/riskmodels)."""

import csv
import json

import numpy as np
import pytest

from risk_model import model as risk
from risk_model import realdata
from risk_model.__main__ import main
from risk_model.simulator import simulate
from risk_model.workflows import INFANT_COLUMNS


def write_export(cohort, directory, months=("2026-09", "2026-10", "2026-11")):
    """A cohort in the export's files; birth months spread over `months` in infant order."""
    directory.mkdir(parents=True, exist_ok=True)
    ids = [f"p{i:05d}" for i in range(cohort.size)]
    month = [months[i * len(months) // cohort.size] for i in range(cohort.size)]
    a = cohort.infants

    def cell(v):
        return (
            "true" if v is True or v is np.True_ else "false" if v is False or v is np.False_ else v
        )

    with (directory / "infants.csv").open("w", newline="") as f:
        columns = [c for c in INFANT_COLUMNS[:12]] + ["birth_month"]
        w = csv.writer(f)
        w.writerow(columns)
        for i in range(cohort.size):
            w.writerow(
                [
                    ids[i]
                    if c == "infant_id"
                    else month[i]
                    if c == "birth_month"
                    else cell(a[c][i])
                    for c in columns
                ]
            )
    for name, rows, columns in (
        (
            "readings.csv",
            cohort.readings,
            [
                "age_hours",
                "method",
                "observed_mg_dl",
                "true_tsb_mg_dl",
                "reaches_phototherapy_within_72h",
            ],
        ),
        ("weights.csv", cohort.weights, ["age_hours", "weight_g"]),
        ("photos.csv", cohort.photos, ["age_hours", "estimate_mg_dl"]),
    ):
        with (directory / name).open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["infant_id", *columns])
            for k in range(len(rows["infant"])):
                w.writerow([ids[rows["infant"][k]], *(cell(rows[c][k]) for c in columns)])
    return directory


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    return write_export(simulate(2400, seed=77), tmp_path_factory.mktemp("export"))


def test_an_export_reads_back_as_the_same_rows(export_dir):
    original = simulate(2400, seed=77)
    loaded = realdata.load_export(export_dir)

    assert loaded.size == original.size
    assert np.array_equal(loaded.readings["observed_mg_dl"], original.readings["observed_mg_dl"])
    assert np.array_equal(
        loaded.readings["reaches_phototherapy_within_72h"],
        original.readings["reaches_phototherapy_within_72h"],
    )
    before, after = realdata.split_by_month(loaded, "2026-11")
    assert before.size + after.size == loaded.size and after.size == 800
    assert set(after.infants["birth_month"]) == {"2026-11"}
    assert len(after.readings["infant"]) + len(before.readings["infant"]) == len(
        loaded.readings["infant"]
    )


def test_a_broken_export_is_refused_saying_why(export_dir, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "infants.csv").write_text((export_dir / "infants.csv").read_text())
    code = main(["compare", "--challenger", "x.skops", "--real", str(broken), "--since", "2026-11"])
    assert code == 2
    assert "readings.csv is missing" in capsys.readouterr().err


def test_train_on_real_outcomes_before_a_month_then_compare_on_the_months_after(
    export_dir, tmp_path, capsys, trained_risk_model
):
    challenger = tmp_path / "challenger.skops"
    assert (
        main(
            [
                "train",
                "--infants",
                "3000",
                "--seed",
                "5",
                "--out",
                str(challenger),
                "--real",
                str(export_dir),
                "--real-before",
                "2026-11",
                "--real-weight",
                "3",
                "--quiet",
            ]
        )
        == 0
    )
    meta = risk.load(challenger).metadata
    assert meta["real_infants"] == 1600 and meta["real_weight"] == 3.0
    assert (
        "1600 real infants" in meta["training_data"]
        and "born before 2026-11" in meta["training_data"]
    )
    capsys.readouterr()

    code = main(
        [
            "compare",
            "--champion",
            str(trained_risk_model),
            "--challenger",
            str(challenger),
            "--real",
            str(export_dir),
            "--since",
            "2026-11",
            "--json",
        ]
    )

    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["role"] for r in rows] == ["champion (served)", "challenger", "baseline"]
    _, held_out = realdata.split_by_month(realdata.load_export(export_dir), "2026-11")
    followed = len(np.unique(held_out.readings["infant"]))  # only the held-out months
    assert {r["infants"] for r in rows} == {followed} and 700 < followed <= 800
    for row in rows:
        assert 0.5 < row["auroc"] <= 1.0


def test_real_readings_weigh_in_fitting(export_dir):
    real = realdata.load_export(export_dir)
    light = risk.train(n_infants=1500, seed=3, real=real, real_weight=0.01)
    heavy = risk.train(n_infants=1500, seed=3, real=real, real_weight=20)
    data = realdata.build(real)
    # Same simulated infants and split: only the weight differs, and it changes the fit.
    assert not np.allclose(light.probability(data.X), heavy.probability(data.X))
