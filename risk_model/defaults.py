"""Defaults of the risk-model commands, shared by `python -m risk_model` and `manage.py`.

Kept apart from the modules that import scikit-learn, so the guideline calculator starts fast.
"""

from pathlib import Path

MODEL_PATH = Path("var/risk_model.skops")
TRAIN_INFANTS = 100_000
TRAIN_SEED = 2026
# A held-out cohort is simulated with another seed (evaluation refuses the training seed).
EVALUATE_INFANTS = 100_000
EVALUATE_SEED = 2027
# Training on real outcomes beside simulated infants (issue #17): each real reading weighs as
# many simulated ones. A starting point for the clinical group, not tuned: real outcomes are
# few (a city's ~1,200 readings a day against 100,000 simulated infants) and closer to the truth
# than any simulator, but their labels are noisier (censoring; treatment decided by clinicians).
REAL_WEIGHT = 5.0
