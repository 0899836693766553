"""Bilirubin units. The one conversion constant of the project lives here.

DOMAIN.md: 1 mg/dL = 17.1 µmol/L (the clinical convention; the exact molar factor is 17.104,
the difference is clinically nil). Show mg/dL to 0.1 and µmol/L as whole numbers.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

UMOL_L_PER_MG_DL = 17.1


class Unit(StrEnum):
    UMOL_L = "umol/L"
    MG_DL = "mg/dL"


_UNITS = {unit.value: unit for unit in Unit}


def as_unit(unit: Unit | str) -> Unit:
    """`Unit(unit)` by a dictionary lookup: the enum's own call costs more than the conversion it
    guards, many times per assessment. Anything that is not a unit is refused by Unit() as ever."""
    try:
        return _UNITS[unit]
    except (KeyError, TypeError):
        return Unit(unit)


def to_umol_l(value: float, unit: Unit | str) -> float:
    """Convert a bilirubin value in `unit` to µmol/L."""
    unit = as_unit(unit)
    return float(value) * UMOL_L_PER_MG_DL if unit is Unit.MG_DL else float(value)


def to_mg_dl(value: float, unit: Unit | str) -> float:
    """Convert a bilirubin value in `unit` to mg/dL."""
    unit = as_unit(unit)
    return float(value) / UMOL_L_PER_MG_DL if unit is Unit.UMOL_L else float(value)


# What is shown is what is decided (issue #12): every comparison with a threshold is made on the
# numbers a person reads, mg/dL to 0.1 (half away from zero), never on hidden decimals.
_TENTH = Decimal("0.1")
_WHOLE = Decimal(1)
_FACTOR = Decimal("17.1")  # UMOL_L_PER_MG_DL, as the decimal it is


def mg_dl_shown(value_mg_dl: float) -> Decimal:
    """mg/dL to 0.1, half up: the number shown and the number every rule compares."""
    return _to_tenth(repr(float(value_mg_dl)))


@lru_cache(maxsize=4096)
def _to_tenth(number: str) -> Decimal:
    """A number as written (the float's repr, so -0.0 stays apart from 0.0) to 0.1, half up.
    Cached: an assessment shows the same few values several times over."""
    return Decimal(number).quantize(_TENTH, rounding=ROUND_HALF_UP)


def umol_l_shown(value: float, unit: Unit | str) -> int:
    """A value in whole µmol/L: as sent when sent in µmol/L, else from the mg/dL shown (so the
    two numbers side by side agree with every comparison)."""
    if as_unit(unit) is Unit.UMOL_L:
        return int(Decimal(repr(float(value))).quantize(_WHOLE, rounding=ROUND_HALF_UP))
    return int((mg_dl_shown(value) * _FACTOR).quantize(_WHOLE, rounding=ROUND_HALF_UP))


@lru_cache(maxsize=4096)  # a pure function of the number and the unit (thresholds to 0.1)
def threshold_umol_l_shown(threshold_mg_dl_shown: Decimal, unit: Unit | str = Unit.MG_DL) -> int:
    """A threshold in whole µmol/L, beside a value sent in `unit`, so that comparing the two
    µmol/L numbers says what comparing the mg/dL numbers decided.

    Beside a µmol/L value it is the first whole µmol/L value that reaches the threshold in mg/dL
    as shown (16.0 mg/dL → 273, since 273 µmol/L shows as 16.0 mg/dL: "273 ≥ 273" and
    "16.0 ≥ 16.0" agree). Beside a mg/dL value (or an estimate) both numbers are converted the
    same way, 16.0 → 274, as the value's own µmol/L is.
    """
    shown = Decimal(threshold_mg_dl_shown)
    if as_unit(unit) is Unit.UMOL_L:
        lowest = (shown - Decimal("0.05")) * _FACTOR
        return int(lowest.to_integral_value(rounding=ROUND_CEILING))
    return int((shown * _FACTOR).quantize(_WHOLE, rounding=ROUND_HALF_UP))
