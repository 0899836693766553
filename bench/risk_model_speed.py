"""Risk-model speed, measured side by side in one run (issue #4's targets).

    .venv/bin/python bench/risk_model_speed.py          # also part of `make bench`

1. One assessment in process: the guideline engine alone, and the guideline + features + model
   (probability and its drivers) — p50/p99 over 5,000 calls each, each candidate compiled
   (risk_model.compiled, what serves) and through scikit-learn, side by side; and the model
   alone on the 7-row batch one assessment scores. Targets: p99 < 2 ms (issue #4), < 0.5 ms
   (issue #18).
2. Re-scoring 200,000 infants in a batch (risk_model.rescore): features of each infant's latest
   reading from its own history, in one process and over two forked ones, side by side, then
   one scoring call. Targets: < 10 s (issue #4), < 5 s (issue #18).
3. Training on 100,000 simulated infants (simulate, features, fit, calibrate, validate).
   Target: < 2 min.

Uses and trains models in a temporary folder; the service's var/risk_model.skops is untouched.
"""

import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from risk_model import model as risk  # noqa: E402
from risk_model.dataset import infant_facts, reading_facts, weight_facts  # noqa: E402
from risk_model.guideline import assess as guideline_assess  # noqa: E402
from risk_model.rescore import features_of_latest  # noqa: E402
from risk_model.serving import assess  # noqa: E402
from risk_model.simulator import simulate  # noqa: E402

CALLS = 5_000
RESCORE_INFANTS = 200_000
TRAIN_INFANTS = 100_000


def percentiles_ms(samples):
    samples = sorted(samples)
    return (
        samples[len(samples) // 2] * 1e3,
        samples[int(len(samples) * 0.99)] * 1e3,
        statistics.fmean(samples) * 1e3,
    )


def assessment_cases(cohort):
    """Realistic cases: the readings of simulated infants, each with its own history."""
    r, w = cohort.readings, cohort.weights
    cases = []
    for k in range(0, len(r["infant"]), max(1, len(r["infant"]) // 500)):
        i = r["infant"][k]
        mine = np.flatnonzero(r["infant"] == i)
        history = [reading_facts(cohort, j) for j in mine if j < k]
        weighed = [
            weight_facts(cohort, j)
            for j in np.flatnonzero(w["infant"] == i)
            if w["age_hours"][j] <= r["age_hours"][k]
        ]
        cases.append((infant_facts(cohort, i), reading_facts(cohort, k), history, weighed))
    return cases


def samples_of(call, cases, calls=CALLS):
    """Seconds per call of `call(case)`, `calls` times over the cases in turn, after warm-up."""
    for case in cases[:50]:
        call(case)  # warm up
    samples = []
    for n in range(calls):
        case = cases[n % len(cases)]
        start = time.perf_counter()
        call(case)
        samples.append(time.perf_counter() - start)
    return samples


def one_assessment(model, cohort):
    cases = assessment_cases(cohort)
    return [
        (label, *percentiles_ms(samples_of(call, cases)))
        for label, call in (
            ("guideline engine alone", lambda c: guideline_assess(*c)),
            ("guideline + risk model (with drivers)", lambda c: assess(*c, model=model)),
        )
    ]


def rescore_side_by_side(model):
    """Every infant's latest reading: features in one process and over two, then one scoring."""
    cohort = simulate(RESCORE_INFANTS, seed=4242)
    rows = []
    for processes in (1, 2):
        start = time.perf_counter()
        who, X = features_of_latest(cohort, processes=processes)
        featured = time.perf_counter()
        probability = model.probability(X)
        done = time.perf_counter()
        rows.append((processes, len(who), featured - start, done - featured, probability.mean()))
    return rows


def main():
    warnings.simplefilter("ignore", FutureWarning)
    with tempfile.TemporaryDirectory() as folder:
        print(f"training on {TRAIN_INFANTS} simulated infants …", flush=True)
        start = time.perf_counter()
        trained = risk.train(n_infants=TRAIN_INFANTS, seed=2026)
        train_seconds = time.perf_counter() - start
        path = Path(folder) / "bench.skops"
        risk.save(trained, path)
        model = risk.load(path)

    print(f"\nmodel {model.version} (selected: {model.metadata['selected']})")
    print(f"\n{'one assessment, in process (ms)':<44}{'p50':>8}{'p99':>8}{'mean':>8}")
    for label, p50, p99, mean in one_assessment(model, simulate(2000, seed=99)):
        print(f"{label:<44}{p50:>8.3f}{p99:>8.3f}{mean:>8.3f}")
    for name in model.candidates:
        model.model = model.candidates[name]
        for how in ("compiled", "scikit-learn"):
            model.__dict__.pop("scorer", None)  # the cached compiled scorer of another model
            if how == "scikit-learn":
                model.__dict__["scorer"] = lambda X: model.model.predict_proba(X)[:, 1]
            _, p50, p99, mean = one_assessment(model, simulate(2000, seed=99))[1]
            print(f"{'  … ' + name + ', ' + how:<44}{p50:>8.3f}{p99:>8.3f}{mean:>8.3f}")
    model.model = model.candidates[model.metadata["selected"]]
    model.__dict__.pop("scorer", None)
    print(f"\n{'the model alone, 7-row serving batch (ms)':<44}{'p50':>8}{'p99':>8}{'mean':>8}")
    batch = np.tile(np.nan_to_num(model.reference)[None, :], (7, 1))
    for how, call in (
        ("compiled (risk_model.compiled)", lambda: model.probability(batch)),
        ("scikit-learn predict_proba", lambda: model.model.predict_proba(batch[:, model.columns])),
    ):
        samples = []
        for _ in range(CALLS):
            start = time.perf_counter()
            call()
            samples.append(time.perf_counter() - start)
        p50, p99, mean = percentiles_ms(samples)
        print(f"{'  ' + how:<44}{p50:>8.3f}{p99:>8.3f}{mean:>8.3f}")

    for processes, infants, feature_s, predict_s, mean_p in rescore_side_by_side(model):
        print(
            f"\nre-score {infants} infants, {processes} process(es): features {feature_s:.1f} s"
            f" + predict {predict_s:.2f} s = {feature_s + predict_s:.1f} s (target < 5 s);"
            f" mean probability {mean_p:.4f}"
        )
    print(f"train on {TRAIN_INFANTS} infants: {train_seconds:.1f} s (target < 120 s)")


if __name__ == "__main__":
    main()
