"""The evaluation table's measures, the same for the model and the clinicians' baselines.

Per reading: AUROC, average precision, Brier score, calibration slope and intercept.
Per infant: the share of infants flagged (the referral load) at the highest cut-off that still
flags at least 98 % of the infants who go on to reach the threshold. An infant's score is the
highest probability any of its readings received; an infant is a case when any of its readings
was followed by the threshold within 72 h.
"""

import math
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

TARGET_SENSITIVITY = 0.98
_EPS = 1e-6


@dataclass
class Metrics:
    auroc: float
    average_precision: float
    brier: float
    calibration_slope: float
    calibration_intercept: float
    flagged_share_at_sensitivity_98: float
    sensitivity_at_cut: float
    cut: float
    readings: int
    positive_readings: int
    infants: int
    positive_infants: int

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def calibration_slope_intercept(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Slope: logistic regression of the outcome on logit(p) (1 = ideal; < 1 = too extreme).
    Intercept: calibration-in-the-large, the intercept with the slope fixed at 1 (0 = ideal).
    """
    lp = _logit(p)
    slope_fit = LogisticRegression(C=np.inf, max_iter=1000).fit(lp[:, None], y)
    slope = float(slope_fit.coef_[0, 0])
    # Intercept with offset lp: one-parameter maximum likelihood by Newton's method.
    a = 0.0
    for _ in range(50):
        q = 1 / (1 + np.exp(-(a + lp)))
        gradient = float(np.sum(y - q))
        hessian = float(np.sum(q * (1 - q)))
        if hessian == 0:
            break
        step = gradient / hessian
        a += step
        if abs(step) < 1e-10:
            break
    return slope, a


def infant_scores(score: np.ndarray, y: np.ndarray, infant: np.ndarray):
    """Highest score and case status per infant (infants with at least one reading)."""
    ids, inverse = np.unique(infant, return_inverse=True)
    best = np.full(len(ids), -np.inf)
    np.maximum.at(best, inverse, score)
    case = np.zeros(len(ids), dtype=bool)
    np.logical_or.at(case, inverse, y)
    return best, case


def flagged_share_at_sensitivity(
    score: np.ndarray, y: np.ndarray, infant: np.ndarray, sensitivity: float = TARGET_SENSITIVITY
) -> tuple[float, float, float]:
    """(share of infants flagged, sensitivity reached, cut) at the highest cut that flags at
    least `sensitivity` of the cases. Ties are flagged together, as a real cut-off would."""
    best, case = infant_scores(score, y, infant)
    cases = np.sort(best[case])[::-1]
    if len(cases) == 0:
        return math.nan, math.nan, math.nan
    needed = math.ceil(sensitivity * len(cases))
    cut = float(cases[needed - 1])
    flagged = best >= cut
    return float(flagged.mean()), float(flagged[case].mean()), cut


def evaluate(probability: np.ndarray, y: np.ndarray, infant: np.ndarray) -> Metrics:
    slope, intercept = calibration_slope_intercept(y, probability)
    share, reached, cut = flagged_share_at_sensitivity(probability, y, infant)
    _, case = infant_scores(probability, y, infant)
    return Metrics(
        auroc=float(roc_auc_score(y, probability)),
        average_precision=float(average_precision_score(y, probability)),
        brier=float(brier_score_loss(y, probability)),
        calibration_slope=slope,
        calibration_intercept=intercept,
        flagged_share_at_sensitivity_98=share,
        sensitivity_at_cut=reached,
        cut=cut,
        readings=int(len(y)),
        positive_readings=int(y.sum()),
        infants=int(len(case)),
        positive_infants=int(case.sum()),
    )
