"""Where one assessment's and one re-scored infant's time goes (issue #18: "each target is met
or the note shows, with a profile, what bounds it").

    .venv/bin/python bench/model_profile.py          # also part of `make bench`

1. One assessment with the served (compiled) model and its drivers, as `bench/risk_model_speed.py`
   times it, split into its stages — each stage timed alone without a profiler over the same
   cases (p50 and mean) — then cProfile of the whole call, the functions with the most own time.
2. Re-scoring: the per-infant feature pass (`risk_model.rescore.latest_rows`) in one process,
   split into building the engine's facts from the cohort and `features.compute` (each infant
   timed in turn), then cProfile.

Trains a model on BENCH_PROFILE_TRAIN_INFANTS (20,000) simulated infants in a temporary folder:
the same estimator settings as the service's (100 trees of up to 15 leaves), so the same work
per call; the service's var/risk_model.skops is untouched.
"""

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.risk_model_speed import assessment_cases, percentiles_ms, samples_of  # noqa: E402
from risk_model import features  # noqa: E402
from risk_model import model as risk  # noqa: E402
from risk_model.guideline import assess as guideline_assess  # noqa: E402
from risk_model.rescore import all_spans, latest_facts, latest_rows  # noqa: E402
from risk_model.serving import (  # noqa: E402
    _REFERENCE_IN_ROW,
    DRIVER_MIN_EFFECT,
    apply_safety_rule,
    predict,
)
from risk_model.serving import assess as served_assess  # noqa: E402
from risk_model.simulator import simulate  # noqa: E402

TRAIN_INFANTS = int(os.environ.get("BENCH_PROFILE_TRAIN_INFANTS", "20000"))
CALLS = 5_000
RESCORE_INFANTS = 20_000


def timed(call, cases):
    """p50 and mean in µs (bench/risk_model_speed.py's timing loop)."""
    p50, _p99, mean = percentiles_ms(samples_of(call, cases, CALLS))
    return p50 * 1e3, mean * 1e3


def top_own_time(profile: cProfile.Profile, rows: int = 14) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(rows)
    text = out.getvalue()
    return text[text.index("   ncalls") :]


def assessment(model) -> None:
    cases = assessment_cases(simulate(2000, seed=99))
    # Only the cases the model scores (the others skip the model and its drivers).
    scored = []
    for infant, reading, history, weighed in cases:
        row = features.compute(infant, reading, history, weighed)
        if row.values is not None and predict(model, row).status == "scored":
            scored.append((infant, reading, history, weighed, row))
    rows = np.array([c[4].values for c in scored])
    probability = np.array([model.probability(x[None, :])[0] for x in rows])
    below = probability < DRIVER_MIN_EFFECT
    print(
        f"\n1. one assessment, {len(scored)} scored cases, {CALLS} calls per stage (µs);"
        f" {below.mean():.0%} below DRIVER_MIN_EFFECT ({DRIVER_MIN_EFFECT}), where the"
        " drivers' batch is not scored"
    )
    batches = [np.where(_REFERENCE_IN_ROW, model.reference, x) for x in rows]
    predictions = [predict(model, c[4]) for c in scored]
    engine = [guideline_assess(*c[:4]) for c in scored]
    stages = [
        ("guideline engine (risk_model.guideline.assess)", lambda c: guideline_assess(*c[:4])),
        ("features.compute", lambda c: features.compute(*c[:4])),
        (
            "model on the reading's own row (compiled)",
            lambda c: model.probability(rows[c[5]][None, :]),
        ),
        (
            f"model on the drivers' batch ({len(_REFERENCE_IN_ROW)} rows, compiled)",
            lambda c: model.probability(batches[c[5]]),
        ),
        ("predict(): the row, the batch where due, the drivers", lambda c: predict(model, c[4])),
        (
            "the safety rule and to_dict()",
            lambda c: apply_safety_rule(engine[c[5]], predictions[c[5]]),
        ),
        ("the whole served assessment", lambda c: served_assess(*c[:4], model=model)),
    ]
    indexed = [(*c, k) for k, c in enumerate(scored)]
    print(f"{'stage':<56}{'p50':>8}{'mean':>8}")
    for label, call in stages:
        p50, mean = timed(call, indexed)
        print(f"{label:<56}{p50:>8.1f}{mean:>8.1f}")
    profile = cProfile.Profile()
    profile.enable()
    for n in range(CALLS):
        served_assess(*scored[n % len(scored)][:4], model=model)
    profile.disable()
    print(f"\ncProfile of {CALLS} whole assessments, by own time:")
    print(top_own_time(profile))


def rescoring() -> None:
    cohort = simulate(RESCORE_INFANTS, seed=4242)
    at = all_spans(cohort)
    building = computing = 0.0
    n = 0
    for i in range(cohort.size):
        start = time.perf_counter()
        case = latest_facts(cohort, i, at)
        built = time.perf_counter()
        if case is None:
            continue
        features.compute(*case)
        building += built - start
        computing += time.perf_counter() - built
        n += 1
    start = time.perf_counter()
    latest_rows(cohort, 0, cohort.size)
    whole = time.perf_counter() - start
    print(f"\n2. re-scoring's feature pass, {n} infants in one process (µs per infant)")
    print(f"{'the engine facts from the cohort':<56}{building / n * 1e6:>8.1f}")
    print(f"{'features.compute':<56}{computing / n * 1e6:>8.1f}")
    print(f"{'rescore.latest_rows, both together':<56}{whole / n * 1e6:>8.1f}")
    profile = cProfile.Profile()
    profile.enable()
    latest_rows(cohort, 0, cohort.size)
    profile.disable()
    print("\ncProfile of rescore.latest_rows, by own time:")
    print(top_own_time(profile))


def main():
    warnings.simplefilter("ignore", FutureWarning)
    with tempfile.TemporaryDirectory() as folder:
        print(f"training on {TRAIN_INFANTS} simulated infants …", flush=True)
        path = Path(folder) / "profile.skops"
        risk.save(risk.train(n_infants=TRAIN_INFANTS, seed=2026), path)
        model = risk.load(path)
    # The candidate the service selected on 100,000 infants (bench/risk_model_speed.py).
    model.model = model.candidates["hist_gradient_boosting"]
    model.__dict__.pop("scorer", None)  # compiled again for this candidate
    print(f"model {model.version}, candidate: hist_gradient_boosting (compiled)")
    assessment(model)
    rescoring()


if __name__ == "__main__":
    main()
