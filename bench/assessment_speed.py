"""How long one guideline assessment takes, in process, per reading (microseconds).

    .venv/bin/python bench/assessment_speed.py

Side by side in one run: a bare threshold lookup, an assessment of a lone reading, and an
assessment with a realistic history (6 earlier readings, 4 observations), also with the
`to_dict()` the service stores.
"""

import random
import statistics
import time

from risk_model.guideline import InfantFacts, ObservationFacts, ReadingFacts, assess, thresholds

N = 20_000


def measure(label, call):
    for _ in range(500):  # warm caches (tables load on first use)
        call()
    samples = []
    for _ in range(N):
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    samples.sort()
    p50 = samples[len(samples) // 2] / 1000
    p99 = samples[int(len(samples) * 0.99)] / 1000
    print(f"{label:<48}{p50:>10.1f}{p99:>10.1f}{statistics.fmean(samples) / 1000:>10.1f}")


def main():
    rng = random.Random(1)
    infant = InfantFacts(
        gestational_age_weeks=38,
        birth_weight_g=3300,
        neurotoxicity_risk=False,
        feeding="exclusive_breastfeeding",
    )
    history = [
        ReadingFacts(age_hours=20 + 8 * i, value=5 + 1.2 * i, unit="mg/dL", method="tcb")
        for i in range(6)
    ]
    observations = [
        ObservationFacts(
            age_hours=30 + 6 * i, weight_g=3200 - 20 * i, stool_pale=False, lethargy=False
        )
        for i in range(4)
    ]

    def reading():
        return ReadingFacts(
            age_hours=rng.uniform(1, 300), value=rng.uniform(2, 25), unit="mg/dL", method="tcb"
        )

    print(f"{N} calls each; microseconds{'p50':>26}{'p99':>10}{'mean':>10}")
    measure(
        "thresholds() lookup",
        lambda: thresholds(ga_weeks=38, age_hours=rng.uniform(1, 300), neurotoxicity_risk=False),
    )
    measure("assess() one reading, no history", lambda: assess(infant, reading()))
    measure(
        "assess() with 6 readings + 4 observations",
        lambda: assess(infant, reading(), history, observations),
    )
    measure(
        "  … and its to_dict(), as stored",
        lambda: assess(infant, reading(), history, observations).to_dict(),
    )


if __name__ == "__main__":
    main()
