"""Bilirubin units. The one conversion constant of the project lives here.

DOMAIN.md: 1 mg/dL = 17.1 µmol/L (the clinical convention; the exact molar factor is 17.104,
the difference is clinically nil). Show mg/dL to 0.1 and µmol/L as whole numbers.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
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


# What is shown is what is decided (issue #12): every comparison with a threshold is made on the
# numbers a person reads, mg/dL to 0.1 (half away from zero), never on hidden decimals.
_TENTH = Decimal("0.1")


def mg_dl_shown(value_mg_dl: float) -> Decimal:
    """mg/dL to 0.1, half up: the number shown and the number every rule compares."""
    return Decimal(repr(float(value_mg_dl))).quantize(_TENTH, rounding=ROUND_HALF_UP)


def umol_l_shown(value: float, unit: Unit | str) -> int:
    """A value in whole µmol/L: as sent when sent in µmol/L, else from the mg/dL shown (so the
    two numbers side by side agree with every comparison)."""
    if Unit(unit) is Unit.UMOL_L:
        return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return int((mg_dl_shown(value) * Decimal("17.1")).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def threshold_umol_l_shown(threshold_mg_dl_shown: Decimal, unit: Unit | str = Unit.MG_DL) -> int:
    """A threshold in whole µmol/L, beside a value sent in `unit`, so that comparing the two
    µmol/L numbers says what comparing the mg/dL numbers decided.

    Beside a µmol/L value it is the first whole µmol/L value that reaches the threshold in mg/dL
    as shown (16.0 mg/dL → 273, since 273 µmol/L shows as 16.0 mg/dL: "273 ≥ 273" and
    "16.0 ≥ 16.0" agree). Beside a mg/dL value (or an estimate) both numbers are converted the
    same way, 16.0 → 274, as the value's own µmol/L is.
    """
    shown = Decimal(threshold_mg_dl_shown)
    if Unit(unit) is Unit.UMOL_L:
        lowest = (shown - Decimal("0.05")) * Decimal("17.1")
        return int(lowest.to_integral_value(rounding=ROUND_CEILING))
    return int((shown * Decimal("17.1")).quantize(Decimal(1), rounding=ROUND_HALF_UP))
