"""Re-scoring every infant (issue #18): spread over processes, the same rows as in one process
and as the per-reading path (dataset.build) gives for each infant's latest reading."""

import numpy as np
import pytest

from risk_model import model as risk
from risk_model.dataset import build
from risk_model.rescore import features_of_latest, rescore
from risk_model.simulator import simulate


@pytest.fixture(scope="module")
def cohort():
    return simulate(1500, seed=61)


def test_two_processes_give_the_rows_of_one(cohort):
    one = features_of_latest(cohort, processes=1)
    two = features_of_latest(cohort, processes=2, chunks=7)

    assert np.array_equal(one[0], two[0])
    assert np.array_equal(one[1], two[1], equal_nan=True)


def test_the_rows_are_those_of_the_per_reading_path(cohort):
    who, X = features_of_latest(cohort, processes=1)
    data = build(cohort)
    last = np.r_[data.infant[1:] != data.infant[:-1], True]

    assert np.array_equal(who, data.infant[last])
    assert np.array_equal(X, data.X[last], equal_nan=True)


def test_rescore_scores_each_infant_once(cohort, trained_risk_model):
    model = risk.load(trained_risk_model)
    who, probability = rescore(cohort, model, processes=2)

    assert len(who) == len(set(who)) == len(probability)
    assert ((probability >= 0) & (probability <= 1)).all()
