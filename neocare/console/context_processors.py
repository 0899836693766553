from neocare.console.units import preferred_unit, unit_label
from risk_model.units import Unit


def display_unit(request) -> dict:
    """The header's unit switch: the unit the signed-in clinician sees first."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "display_unit": preferred_unit(user).value,
        "display_units": [(unit.value, unit_label(unit)) for unit in (Unit.UMOL_L, Unit.MG_DL)],
    }
