"""Re-score every infant (issue #18): the features of each infant's latest reading from its own
history — one pass per infant, by the very `features.compute` the service calls — then one
probability call for all of them.

The feature pass is pure Python and per infant, so it is spread over processes: the cohort is
shared with forked workers (never pickled per task), each takes a range of infants, and the
rows come back in infant order. `processes=1` does it in this process; a larger machine gives
more. Equal to the serial path and to `dataset.build` by test (tests/risk_model/test_rescore.py).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from risk_model import features
from risk_model.dataset import infant_facts, photo_facts, reading_facts, spans, weight_facts
from risk_model.simulator import Cohort

_SHARED: Cohort | None = None  # the cohort the forked workers read


def all_spans(cohort: Cohort) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each infant's readings, weighings and photos start (`dataset.spans`)."""
    return tuple(
        spans(rows["infant"], cohort.size)
        for rows in (cohort.readings, cohort.weights, cohort.photos)
    )


def latest_facts(cohort: Cohort, i: int, at) -> tuple | None:
    """`features.compute`'s arguments at infant i's latest reading — the infant, the reading,
    the readings before it, the weighings and the photos — or None if it has no reading.
    `at` is `all_spans(cohort)`."""
    r_at, w_at, p_at = at
    if r_at[i] == r_at[i + 1]:
        return None
    k = r_at[i + 1] - 1
    return (
        infant_facts(cohort, i),
        reading_facts(cohort, k),
        [reading_facts(cohort, j) for j in range(r_at[i], k)],
        [weight_facts(cohort, j) for j in range(w_at[i], w_at[i + 1])],
        [photo_facts(cohort, j) for j in range(p_at[i], p_at[i + 1])],
    )


def latest_rows(cohort: Cohort, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """(infant indices, feature rows) of the latest reading of infants first … last − 1."""
    at = all_spans(cohort)
    who, rows = [], []
    for i in range(first, last):
        facts = latest_facts(cohort, i, at)
        if facts is None:
            continue
        row = features.compute(*facts)
        if row.values is not None:
            who.append(i)
            rows.append(row.values)
    return np.asarray(who, dtype=int), np.asarray(rows, dtype=float).reshape(
        -1, len(features.FEATURES)
    )


def _part(bounds: tuple[int, int]):
    return latest_rows(_SHARED, *bounds)


def features_of_latest(cohort: Cohort, processes: int = 1, chunks: int = 16):
    """`latest_rows` of every infant, over `processes` forked workers."""
    if processes <= 1:
        return latest_rows(cohort, 0, cohort.size)
    global _SHARED
    _SHARED = cohort
    edges = np.linspace(0, cohort.size, max(chunks, processes) + 1).astype(int)
    try:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_part, zip(edges[:-1], edges[1:], strict=True)))
    finally:
        _SHARED = None
    return np.concatenate([p[0] for p in parts]), np.vstack([p[1] for p in parts])


def rescore(cohort: Cohort, model, processes: int | None = None):
    """(infant indices, probabilities) of every infant's latest reading."""
    who, X = features_of_latest(cohort, processes or os.cpu_count() or 1)
    return who, model.probability(X)
