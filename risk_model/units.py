"""Bilirubin units. The one conversion constant of the project lives here.

DOMAIN.md: 1 mg/dL = 17.1 µmol/L (the clinical convention; the exact molar factor is 17.104,
the difference is clinically nil). Show mg/dL to 0.1 and µmol/L as whole numbers.
"""

from enum import StrEnum

UMOL_L_PER_MG_DL = 17.1


class Unit(StrEnum):
    UMOL_L = "umol/L"
    MG_DL = "mg/dL"


def to_umol_l(value: float, unit: Unit | str) -> float:
    """Convert a bilirubin value in `unit` to µmol/L."""
    unit = Unit(unit)
    return float(value) * UMOL_L_PER_MG_DL if unit is Unit.MG_DL else float(value)


def to_mg_dl(value: float, unit: Unit | str) -> float:
    """Convert a bilirubin value in `unit` to mg/dL."""
    unit = Unit(unit)
    return float(value) / UMOL_L_PER_MG_DL if unit is Unit.UMOL_L else float(value)
