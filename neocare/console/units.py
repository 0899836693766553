"""Bilirubin values as the console shows them: in the signed-in clinician's unit first, the other
in small print. Every number comes from `risk_model/units.py` (or from an assessment, which
stored the numbers that module gave), so a page never disagrees with an SMS or the API.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language

from risk_model.units import Unit, mg_dl_shown, threshold_umol_l_shown, to_mg_dl, umol_l_shown


def unit_label(unit: Unit) -> str:
    """The unit as written in the page's language: GLOSSARY.md writes μmol/L (Greek mu) in
    Chinese, as the parents' SMS do; English text uses the micro sign, µmol/L."""
    if unit is Unit.MG_DL:
        return "mg/dL"
    return "µmol/L" if (get_language() or "").startswith("en") else "μmol/L"


def preferred_unit(user) -> Unit:
    """The account's choice, else by the page's language: µmol/L in Chinese (what China's
    hospitals, meters and the parents' SMS use), mg/dL in English."""
    chosen = getattr(user, "display_unit", "")
    if chosen:
        return Unit(chosen)
    return Unit.MG_DL if (get_language() or "").startswith("en") else Unit.UMOL_L


@dataclass(frozen=True)
class Bilirubin:
    """One value in both units, as shown: mg/dL to 0.1, µmol/L whole."""

    mg_dl: Decimal
    umol_l: int

    @classmethod
    def of(cls, value, unit: Unit | str) -> "Bilirubin":
        """A measured value as sent (a reading): the same numbers the guideline engine used."""
        return cls(mg_dl_shown(to_mg_dl(value, unit)), umol_l_shown(value, unit))

    @classmethod
    def stored(cls, mg_dl, umol_l=None) -> "Bilirubin | None":
        """Numbers an assessment stored (its µmol/L computed by the engine when present)."""
        if mg_dl is None:
            return None
        shown = mg_dl_shown(mg_dl)
        return cls(shown, umol_l if umol_l is not None else umol_l_shown(mg_dl, Unit.MG_DL))

    @classmethod
    def threshold(cls, mg_dl, beside: Unit | str = Unit.MG_DL) -> "Bilirubin | None":
        """A threshold beside a value sent in `beside` (see `threshold_umol_l_shown`)."""
        if mg_dl is None:
            return None
        shown = mg_dl_shown(mg_dl)
        return cls(shown, threshold_umol_l_shown(shown, beside))

    def text(self, unit: Unit) -> str:
        number = f"{self.umol_l}" if unit is Unit.UMOL_L else f"{self.mg_dl:.1f}"
        return f"{number} {unit_label(unit)}"


def other(unit: Unit) -> Unit:
    return Unit.MG_DL if unit is Unit.UMOL_L else Unit.UMOL_L
