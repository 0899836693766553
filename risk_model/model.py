"""Train, compare, save and load the risk model.

Question answered: the probability that total serum bilirubin reaches the AAP 2022 phototherapy
threshold at the reading or within the next 72 hours (`features.HORIZON_HOURS`).

Training (`train`): simulate a cohort, build one row per reading, split by infant into fit
(60 %), calibration (20 %) and validation (20 %) sets; fit gradient boosting and logistic
regression on the fit set, calibrate each on the calibration set (Platt scaling of the frozen
model: one model plus one small calibrator, so one row costs what the model costs); fit the two
clinicians' baselines (AAP gap rule, nomogram zone) as one-variable logistic regressions so
they too give probabilities; compare all on the validation set and keep the candidate that flags
the fewest infants at sensitivity ≥ 0.98 (AUROC breaks ties). Nothing is picked by habit.

Persistence: skops, never pickle. The file holds the estimators and a metadata dict; `load`
checks the file's types against an allow-list written here and its metadata against this code,
and refuses anything that does not fit, saying why.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import sklearn
import skops.io as sio
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from risk_model import defaults, features, metrics
from risk_model.compiled import CompiledPlatt
from risk_model.dataset import Dataset, build
from risk_model.simulator import Cohort, simulate

# Bump when the file layout or the meaning of a feature changes: old files are then refused.
FORMAT_VERSION = 1
SELECTION_RULE = "fewest infants flagged at sensitivity >= 0.98 on validation; AUROC breaks ties"
# Policy (a clinician should confirm): a calibrated probability at or above this raises the
# advice to "community doctor review today". Below it but at or above the validation cut that
# keeps sensitivity >= 0.98, the advice becomes "measure again sooner".
REVIEW_PROBABILITY = 0.5
REAL_WEIGHT = defaults.REAL_WEIGHT
# Up to this many rows the compiled scorer is used (one assessment scores 1 + its driver groups).
COMPILED_MAX_ROWS = 256

# Types a model file may contain beyond those skops trusts by default (scikit-learn's own
# estimators, numpy arrays, builtins). Anything else makes `load` refuse the file.
TRUSTED_TYPES = [
    "numpy.dtype",
    "risk_model.model.PlattScaled",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]

# Fewer than 1 % of readings are followed by the threshold. With scikit-learn's defaults
# (leaves of 20 rows, loss-based early stopping on a 10 % split) boosting overfit those few
# cases on validation (AUROC below the gap rule's); small trees with large leaves and a fixed
# 100 rounds did not. Chosen on the validation split, never on the evaluation cohort.
CANDIDATES: dict[str, Callable[[int], object]] = {
    "hist_gradient_boosting": lambda seed: HistGradientBoostingClassifier(
        max_iter=100,
        learning_rate=0.1,
        max_leaf_nodes=15,
        min_samples_leaf=100,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    ),
    "logistic_regression": lambda seed: make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True),
        StandardScaler(),
        LogisticRegression(max_iter=2000),
    ),
}

BASELINES = ("aap_gap_rule", "nomogram_zone")


class PlattScaled(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose scores are mapped to probabilities by Platt scaling, fitted on
    data the classifier never saw.

    The same maths as `CalibratedClassifierCV(FrozenEstimator(estimator), method="sigmoid")`
    (a one-variable logistic regression on the decision score), without that wrapper's per-call
    bookkeeping, which cost ~2–3 ms per assessment here — more than the model itself
    (bench/risk_model_speed.py).
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y, sample_weight=None):
        """Fit the calibration only; `estimator` must already be fitted (it is not refitted)."""
        platt = LogisticRegression(C=np.inf).fit(
            self.estimator.decision_function(X)[:, None], y, sample_weight=sample_weight
        )
        self.slope_ = float(platt.coef_[0, 0])
        self.intercept_ = float(platt.intercept_[0])
        self.classes_ = platt.classes_
        return self

    def predict_proba(self, X):
        p = expit(self.slope_ * self.estimator.decision_function(X) + self.intercept_)
        return np.column_stack([1 - p, p])


class ModelFileError(Exception):
    """The model file cannot be used by this code; the message says why and what to do."""


def baseline_input(name: str, data: Dataset) -> np.ndarray:
    """The one number each baseline looks at: a smaller gap, or a higher zone, is worse."""
    if name == "aap_gap_rule":
        return -data.gap_mg_dl[:, None]
    return data.zone[:, None].astype(float)


@dataclass
class TrainedModel:
    """What a model file holds, loaded and checked."""

    model: object
    candidates: dict[str, object]
    baselines: dict[str, object]
    reference: np.ndarray  # a typical low-risk row, for "what pushed the probability up"
    metadata: dict

    @property
    def version(self) -> str:
        return self.metadata["model_version"]

    @property
    def columns(self) -> list[int]:
        """The feature columns the estimators were fitted on: all but those never observed in
        training (none with today's simulator; kept so a cohort without photos still trains)."""
        return observed_columns(self.metadata["features_never_observed"])

    @cached_property
    def scorer(self):
        """The served estimator compiled to NumPy (risk_model.compiled): the same fitted
        parameters without scikit-learn's per-call overhead; scikit-learn itself for an
        estimator the compiler does not know."""
        try:
            return CompiledPlatt(self.model).probability
        except ValueError:
            return lambda X: self.model.predict_proba(X)[:, 1]

    def probability(self, X: np.ndarray) -> np.ndarray:
        """The served model's probabilities: compiled for the few rows of an assessment;
        scikit-learn's own multithreaded code for a batch (there it is the faster of the two,
        bench/risk_model_speed.py)."""
        if len(X) <= COMPILED_MAX_ROWS:
            return self.scorer(X[:, self.columns])
        return self.model.predict_proba(X[:, self.columns])[:, 1]

    def score(self, name: str, data: Dataset) -> np.ndarray:
        """Probabilities of any compared model or baseline on a dataset."""
        if name in self.baselines:
            return self.baselines[name].predict_proba(baseline_input(name, data))[:, 1]
        return self.candidates[name].predict_proba(data.X[:, self.columns])[:, 1]


def observed_columns(never_observed: list[str]) -> list[int]:
    return [j for j, name in enumerate(features.FEATURES) if name not in never_observed]


def _split(infant: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit / calibration / validation masks, 60/20/20 by infant (no infant in two sets)."""
    ids = np.unique(infant)
    shuffled = np.random.default_rng(seed).permutation(ids)
    fit_ids = shuffled[: int(0.6 * len(ids))]
    cal_ids = shuffled[int(0.6 * len(ids)) : int(0.8 * len(ids))]
    return (
        np.isin(infant, fit_ids),
        np.isin(infant, cal_ids),
        ~np.isin(infant, np.r_[fit_ids, cal_ids]),
    )


def feature_bins(X: np.ndarray) -> dict:
    """Per feature, the training distribution in (about) ten bins by decile, plus the share
    missing: what the monitoring page compares the served readings with (drift)."""
    bins = {}
    for j, name in enumerate(features.FEATURES):
        column = X[:, j]
        seen = column[~np.isnan(column)]
        if len(seen) == 0:
            continue
        edges = np.unique(np.quantile(seen, np.linspace(0.1, 0.9, 9)))
        *shares, missing = bin_shares(edges, column)
        bins[name] = {"edges": edges.tolist(), "shares": shares, "missing": missing}
    return bins


def bin_shares(edges: np.ndarray, values: np.ndarray) -> list[float]:
    """The share of `values` in each bin between `edges` (a value on an edge goes right), then
    the share missing: for the training distribution and for what is served (drift)."""
    seen = values[~np.isnan(values)]
    counts = np.bincount(np.searchsorted(edges, seen, side="right"), minlength=len(edges) + 1)
    return [*(counts / len(values)).tolist(), float(np.isnan(values).mean())]


def _reference_row(data: Dataset) -> np.ndarray:
    """Per feature, the median over readings not followed by the threshold (NaN stays NaN)."""
    with warnings.catch_warnings():
        # A column that is all NaN (the photo slot today) has no median: NaN, without a warning.
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(data.X[~data.y], axis=0)


def _fit(estimator, X, y, weight):
    """Fit with per-row weights (a pipeline passes them to its last step). Without real data
    every weight is 1 and none is passed: boosting takes another, not quite identical, path
    with weights, and a simulated-only model stays the one the model card describes."""
    if weight is None:
        return estimator.fit(X, y)
    if hasattr(estimator, "steps"):
        return estimator.fit(X, y, **{f"{estimator.steps[-1][0]}__sample_weight": weight})
    return estimator.fit(X, y, sample_weight=weight)


def _combine(simulated: Dataset, real: Dataset, offset: int) -> Dataset:
    """One dataset of both; real infants numbered after the simulated ones."""
    return Dataset(
        np.vstack([simulated.X, real.X]),
        np.r_[simulated.y, real.y],
        np.r_[simulated.infant, real.infant + offset],
        np.r_[simulated.gap_mg_dl, real.gap_mg_dl],
        np.r_[simulated.zone, real.zone],
    )


def train(
    *,
    n_infants: int,
    seed: int,
    progress: Callable[[str, int, int], None] | None = None,
    real: Cohort | None = None,
    real_weight: float = REAL_WEIGHT,
    real_description: str = "",
) -> TrainedModel:
    """Simulate, fit, calibrate, compare, select. `progress(stage, done, total)` reports.

    With `real` (an exported cohort, risk_model.realdata), its readings join the simulated
    ones, each weighing `real_weight` simulated readings in fitting and calibration; the
    validation split that chooses the model holds both, unweighted.
    """

    def report(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    done = 0

    def simulated(k: int) -> None:
        nonlocal done
        done += k
        report("simulate", done, n_infants)

    cohort = simulate(n_infants, seed, progress=simulated)
    rows_total = len(cohort.readings["infant"])
    built = 0

    def featured(k: int) -> None:
        nonlocal built
        built += k
        if built == rows_total or built % 5000 < k:
            report("features", built, rows_total)

    data = build(cohort, progress=featured)
    weight = np.ones(len(data))
    real_readings = 0
    if real is not None:
        real_data = build(real)
        real_readings = len(real_data)
        data = _combine(data, real_data, offset=cohort.size)
        weight = np.r_[weight, np.full(real_readings, float(real_weight))]
    if data.y.sum() < 10:
        raise ValueError(
            f"only {int(data.y.sum())} positive readings in {n_infants} infants: "
            "simulate more infants to train"
        )
    fit, cal, val = _split(data.infant, seed)
    fit_data, cal_data, val_data = data.subset(fit), data.subset(cal), data.subset(val)

    steps = len(CANDIDATES) + len(BASELINES)
    candidates: dict[str, object] = {}
    never_observed = [
        features.FEATURES[j] for j in np.flatnonzero(np.isnan(fit_data.X).all(axis=0))
    ]
    columns = observed_columns(never_observed)
    for k, (name, make) in enumerate(CANDIDATES.items()):
        report(f"fit {name}", k, steps)
        weighted = real is not None
        estimator = _fit(
            make(seed), fit_data.X[:, columns], fit_data.y, weight[fit] if weighted else None
        )
        candidates[name] = PlattScaled(estimator).fit(
            cal_data.X[:, columns], cal_data.y, sample_weight=weight[cal] if weighted else None
        )
    baselines: dict[str, object] = {}
    for k, name in enumerate(BASELINES, start=len(CANDIDATES)):
        report("fit models", k, steps)
        baselines[name] = LogisticRegression().fit(baseline_input(name, fit_data), fit_data.y)
    report("fit models", steps, steps)

    model = TrainedModel(
        model=None,
        candidates=candidates,
        baselines=baselines,
        reference=_reference_row(fit_data),
        metadata={"features_never_observed": never_observed},
    )
    validation = {
        name: metrics.evaluate(model.score(name, val_data), val_data.y, val_data.infant).as_dict()
        for name in (*CANDIDATES, *BASELINES)
    }
    selected = min(
        CANDIDATES,
        key=lambda n: (
            validation[n]["flagged_share_at_sensitivity_98"],
            -validation[n]["auroc"],
        ),
    )
    model.model = candidates[selected]
    created = datetime.now(UTC).replace(microsecond=0)
    model.metadata = {
        "format_version": FORMAT_VERSION,
        "selected": selected,
        "selection_rule": SELECTION_RULE,
        "features": list(features.FEATURES),
        "features_never_observed": never_observed,
        "horizon_hours": features.HORIZON_HOURS,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "training_seed": seed,
        "training_infants": n_infants,
        "training_readings": len(fit_data),
        "calibration_readings": len(cal_data),
        "validation_readings": len(val_data),
        "training_data": "SYNTHETIC cohort from risk_model.simulator (no patient data)"
        if real is None
        else (
            f"SYNTHETIC cohort from risk_model.simulator, with {real.size} real infants "
            f"({real_readings} readings, each weighing {real_weight:g} simulated ones)"
            + (f": {real_description}" if real_description else "")
        ),
        "real_infants": 0 if real is None else real.size,
        "real_readings": real_readings,
        "real_weight": None if real is None else float(real_weight),
        "validation_metrics": validation,
        "watch_probability": validation[selected]["cut"],
        "review_probability": REVIEW_PROBABILITY,
        "age_hours_range": [
            float(np.min(fit_data.X[:, 0])),
            float(np.max(fit_data.X[:, 0])),
        ],
        "created_at": created.isoformat(),
        "feature_bins": feature_bins(fit_data.X),
    }
    fingerprint = hashlib.sha256(json.dumps(model.metadata, sort_keys=True).encode()).hexdigest()[
        :8
    ]
    model.metadata["model_version"] = f"{selected}-{created:%Y%m%dT%H%M%SZ}-{fingerprint}"
    return model


def save(model: TrainedModel, path: Path | str) -> None:
    """Write atomically: a half-written file must never be loaded by a starting worker."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    sio.dump(
        {
            "metadata": model.metadata,
            "model": model.model,
            "candidates": model.candidates,
            "baselines": model.baselines,
            "reference": model.reference,
        },
        temporary,
        compression=8,  # zipfile.ZIP_DEFLATED
    )
    temporary.replace(path)


def load(path: Path | str) -> TrainedModel:
    """Load a model file, or raise ModelFileError saying why it does not fit this code."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(
            f"no risk model at {path}: train one with `python manage.py train_risk_model` "
            "(or `python -m risk_model train`)"
        )
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a damaged or foreign file: skops raises many kinds
        raise ModelFileError(f"{path} is not a readable skops model file ({exc})") from exc
    unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unexpected:
        raise ModelFileError(
            f"{path} contains types this code does not trust: {', '.join(unexpected)}"
        )
    content = sio.load(path, trusted=TRUSTED_TYPES)
    if not isinstance(content, dict) or not isinstance(content.get("metadata"), dict):
        raise ModelFileError(f"{path} has no metadata: not a NeoCare risk model file")
    meta = content["metadata"]
    problems = []
    if meta.get("format_version") != FORMAT_VERSION:
        problems.append(
            f"file format {meta.get('format_version')}, this code reads {FORMAT_VERSION}"
        )
    if meta.get("features") != list(features.FEATURES):
        problems.append("its feature list differs from risk_model.features.FEATURES")
    if meta.get("horizon_hours") != features.HORIZON_HOURS:
        problems.append(
            f"it predicts {meta.get('horizon_hours')} h ahead, this code {features.HORIZON_HOURS} h"
        )
    if meta.get("sklearn_version") != sklearn.__version__:
        problems.append(
            f"trained with scikit-learn {meta.get('sklearn_version')}, "
            f"running {sklearn.__version__}"
        )
    if problems:
        raise ModelFileError(
            f"{path} does not fit this code: " + "; ".join(problems) + ". Retrain the model."
        )
    return TrainedModel(
        model=content["model"],
        candidates=content["candidates"],
        baselines=content["baselines"],
        reference=np.asarray(content["reference"], dtype=float),
        metadata=meta,
    )
