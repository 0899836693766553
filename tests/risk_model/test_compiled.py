"""The compiled scorer gives scikit-learn's own probabilities (issue #18): exactly for the
trees, within 1e-9 for the linear model, on 100,000 rows with missing values."""

import numpy as np
import pytest

from risk_model import model as risk
from risk_model.compiled import CompiledPlatt
from risk_model.dataset import build
from risk_model.simulator import simulate


@pytest.fixture(scope="module")
def rows(trained_risk_model):
    """100,000 rows: real feature rows of simulated infants, jittered, 5 % of values missing."""
    trained = risk.load(trained_risk_model)
    data = build(simulate(2500, seed=31))
    rng = np.random.default_rng(0)
    X = data.X[rng.integers(0, len(data), 100_000)][:, trained.columns].copy()
    X += rng.normal(0, 0.05, X.shape) * np.abs(X)
    X[rng.random(X.shape) < 0.05] = np.nan
    return trained, X


def test_the_trees_score_exactly_as_scikit_learn(rows):
    trained, X = rows
    platt = trained.candidates["hist_gradient_boosting"]

    assert np.array_equal(CompiledPlatt(platt).probability(X), platt.predict_proba(X)[:, 1])


def test_the_trees_score_one_row_at_a_time_exactly_as_scikit_learn(rows):
    trained, X = rows
    platt = trained.candidates["hist_gradient_boosting"]
    compiled = CompiledPlatt(platt)

    one_by_one = np.concatenate([compiled.probability(x[None, :]) for x in X[:20_000]])

    assert np.isnan(X[:20_000]).any(axis=1).mean() > 0.5  # most rows miss a value somewhere
    assert np.array_equal(one_by_one, platt.predict_proba(X[:20_000])[:, 1])


def test_the_trees_score_a_few_rows_alike_but_for_some_columns_exactly_as_scikit_learn(rows):
    """Batches like an assessment's drivers' batch (a row, then copies of it with a few
    columns from another row, missing values included), and a few wholly different rows."""
    trained, X = rows
    platt = trained.candidates["hist_gradient_boosting"]
    compiled = CompiledPlatt(platt)
    rng = np.random.default_rng(5)
    batches = [X[rng.integers(0, len(X), 5)] for _ in range(100)]
    for _ in range(500):
        batch = np.repeat(X[rng.integers(0, len(X))][None, :], 12, axis=0)
        for k in range(1, 12):
            columns = rng.choice(X.shape[1], rng.integers(1, 4), replace=False)
            batch[k, columns] = X[rng.integers(0, len(X)), columns]
        batches.append(batch)

    for batch in batches:
        assert np.array_equal(compiled.probability(batch), platt.predict_proba(batch)[:, 1])


def test_the_linear_model_scores_as_scikit_learn(rows):
    trained, X = rows
    platt = trained.candidates["logistic_regression"]

    difference = np.abs(CompiledPlatt(platt).probability(X) - platt.predict_proba(X)[:, 1])

    assert difference.max() < 1e-9


def test_serving_uses_the_compiled_scorer_of_the_file_it_loaded(rows):
    trained, X = rows
    full = np.full((len(X), len(trained.metadata["features"])), np.nan)
    full[:, trained.columns] = X

    served = trained.probability(full[:200])  # an assessment's few rows: compiled
    reference = trained.model.predict_proba(X[:200])[:, 1]
    batch = trained.probability(full)  # a batch: scikit-learn's own code

    assert np.abs(served - reference).max() < 1e-9
    assert np.abs(batch - trained.model.predict_proba(X)[:, 1]).max() < 1e-12
    assert trained.scorer.__self__.__class__ is CompiledPlatt
