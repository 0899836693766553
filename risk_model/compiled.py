"""The fitted model evaluated with plain NumPy, for serving (issue #18).

scikit-learn validates its input and sets up its machinery on every call, which costs far more
than the arithmetic of one reading (bench/risk_model_speed.py). Here the same fitted parameters
are read once from the estimators in the model file — the file stays the source of truth — and
evaluated directly:

- gradient boosting: every tree flattened into one node table and walked for all trees at once;
  a value at or below the threshold goes left and a missing value goes the way the tree learnt
  (`missing_go_to_left`), as scikit-learn's predictor does; the trees' values are added in
  scikit-learn's order (baseline first, then tree by tree), so the scores are identical; a
  single row (the reading's own, in most assessments) is walked in plain Python instead;
- logistic regression: median imputation with missing-value indicators, standardisation,
  coefficients;
- then the Platt scaling the model file holds.

`tests/risk_model/test_compiled.py` checks parity with scikit-learn's own `predict_proba` on
100,000 rows: exact for the trees (in a batch, 20,000 of them one at a time, and in batches
of a few rows like an assessment's), within 1e-9 for the linear model.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit


class CompiledTrees:
    """A fitted binary HistGradientBoostingClassifier (numeric features only)."""

    def __init__(self, estimator):
        trees = [iteration[0] for iteration in estimator._predictors]
        if any(t.nodes["is_categorical"].any() for t in trees):
            raise ValueError("categorical splits are not compiled")
        offsets = np.cumsum([0] + [len(t.nodes) for t in trees])[:-1]
        nodes = np.concatenate([t.nodes for t in trees])
        shift = np.repeat(offsets, [len(t.nodes) for t in trees])
        leaf = nodes["is_leaf"].astype(bool)
        here = np.arange(len(nodes))
        # A leaf points to itself both ways, so a walk of fixed length ends on it. Flat, for
        # one-dimensional lookups: node k's child when "x <= threshold" fails (right) at 2k,
        # when it holds (left) at 2k + 1.
        self.children = np.column_stack(
            [
                np.where(leaf, here, nodes["right"].astype(np.intp) + shift),
                np.where(leaf, here, nodes["left"].astype(np.intp) + shift),
            ]
        ).ravel()
        self.leaf = leaf
        self.feature = np.where(leaf, 0, nodes["feature_idx"]).astype(np.intp)
        self.threshold = nodes["num_threshold"].astype(float)
        self.missing_right = ~nodes["missing_go_to_left"].astype(bool)
        self.value = nodes["value"].astype(float)
        self.roots = offsets.astype(np.intp)
        self.depth = int(nodes["depth"].max())
        self.baseline = float(np.ravel(estimator._baseline_prediction)[0])
        # The same tables as Python lists, for one row (see `_one_row`).
        self._lists = tuple(
            a.tolist()
            for a in (self.leaf, self.feature, self.threshold, self.missing_right, self.children)
        )
        self._values = self.value.tolist()
        self._roots = self.roots.tolist()

    def _one_row(self, x: list[float]) -> float:
        """One row walked in plain Python: most assessments score only the reading's own row,
        and a walk of a few nodes per tree costs less in Python than NumPy's per-call overhead
        at every level of the deepest tree (bench/model_profile.py). For more rows NumPy is the
        faster. The same decisions as the NumPy walk's, the trees' values added in the same
        order."""
        leaf, feature, threshold, missing_right, children = self._lists
        total = self.baseline
        for node in self._roots:
            while not leaf[node]:
                v = x[feature[node]]
                left = v <= threshold[node] if v == v else not missing_right[node]
                node = children[2 * node + left]
            total += self._values[node]
        return total

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        n_rows, n_features = X.shape
        if n_rows == 1:
            return np.array([self._one_row(X[0].tolist())])
        # Feature j of row r is flat[r * n_features + j]: a 1-D lookup per step, which costs
        # much less than indexing rows and columns together. Two copies of the rows, so that
        # one comparison decides every step: "x <= threshold" goes left, and fails for a
        # missing value (NaN), which so goes right — the first copy, read by the nodes that
        # learnt to send missing values right; in the second a missing value is -inf, which
        # passes and goes left — read by the nodes that learnt to send it left.
        flat = X.ravel()
        both = np.concatenate([flat, np.where(np.isnan(flat), -np.inf, flat)])
        column = self.feature + np.where(self.missing_right, 0, flat.size)
        row_start = (np.arange(n_rows) * n_features)[:, None]
        node = np.repeat(self.roots[None, :], n_rows, axis=0)
        for _ in range(self.depth):
            # Done when every walk is on its leaf: most end before the deepest tree's depth.
            if self.leaf[node].all():
                break
            left = both[row_start + column[node]] <= self.threshold[node]
            node = self.children[2 * node + left]
        # A running sum down a (trees + 1, rows) array: the baseline, then one tree after
        # another, as scikit-learn adds them (np.sum's pairwise order would differ in the last
        # bit).
        values = np.vstack([np.full(len(X), self.baseline), self.value[node].T])
        return values.cumsum(axis=0)[-1]


class CompiledLogistic:
    """A fitted pipeline: SimpleImputer(add_indicator) → StandardScaler → LogisticRegression."""

    def __init__(self, pipeline):
        imputer, scaler, logistic = (step for _name, step in pipeline.steps)
        if np.isnan(imputer.statistics_).any():
            raise ValueError("a column without any training value is not compiled")
        self.fill = imputer.statistics_.astype(float)
        self.indicated = (
            imputer.indicator_.features_.astype(np.intp)
            if imputer.indicator_ is not None
            else np.array([], dtype=np.intp)
        )
        self.mean = scaler.mean_.astype(float)
        self.scale = scaler.scale_.astype(float)
        self.coef = logistic.coef_[0].astype(float)
        self.intercept = float(logistic.intercept_[0])

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        missing = np.isnan(X)
        filled = np.where(missing, self.fill, X)
        z = np.hstack([filled, missing[:, self.indicated].astype(float)])
        return ((z - self.mean) / self.scale) @ self.coef + self.intercept


class CompiledPlatt:
    """A PlattScaled estimator (risk_model.model) over its compiled classifier."""

    def __init__(self, platt):
        inner = platt.estimator
        if hasattr(inner, "_predictors"):
            self.inner = CompiledTrees(inner)
        elif hasattr(inner, "steps"):
            self.inner = CompiledLogistic(inner)
        else:
            raise ValueError(f"{type(inner).__name__} is not compiled")
        self.slope, self.intercept = platt.slope_, platt.intercept_

    def probability(self, X: np.ndarray) -> np.ndarray:
        return expit(self.slope * self.inner.decision_function(X) + self.intercept)
