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
