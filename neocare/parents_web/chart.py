"""The small chart on a parent's home page: the baby's measured bilirubin by age, drawn as a few
hundred bytes of inline SVG (no script, no image request, readable on a 360-pixel phone).

Measurements only (meter and blood tests); a visual guess or a photo estimate is not drawn as
a value. Chinese pages use μmol/L (China's meters and hospitals), English pages mg/dL. There is
no treatment line: what a value means is the advice beside the chart, written by the guideline
engine for this baby's age and risk.
"""

from django.utils.html import escape
from django.utils.translation import gettext as _

from neocare.infants.models import Reading
from risk_model.units import Unit, to_mg_dl, to_umol_l

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 26
MEASURED = (Reading.Method.TCB_HOME, Reading.Method.TCB_CLINIC, Reading.Method.TSB_LAB)
MAX_POINTS = 20


def readings_svg(infant, language: str) -> str | None:
    """The SVG, or None with fewer than two measurements (a single dot says nothing)."""
    readings = list(
        infant.readings.filter(method__in=MEASURED).order_by("-measured_at")[:MAX_POINTS]
    )[::-1]
    if len(readings) < 2:
        return None
    unit = Unit.MG_DL if language == "en" else Unit.UMOL_L
    unit_shown = "mg/dL" if unit == Unit.MG_DL else "μmol/L"

    def value(reading) -> float:
        as_sent = float(reading.value_as_sent)
        if unit == Unit.MG_DL:
            return float(to_mg_dl(as_sent, reading.unit_as_sent))
        return float(to_umol_l(as_sent, reading.unit_as_sent))

    points = [(infant.age_hours_at(r.measured_at) / 24, value(r)) for r in readings]
    x_low, x_high = min(p[0] for p in points), max(p[0] for p in points)
    y_high = max(p[1] for p in points) * 1.15
    x_span = max(x_high - x_low, 0.5)

    def x(days: float) -> float:
        return LEFT + (days - x_low) / x_span * (WIDTH - LEFT - RIGHT)

    def y(level: float) -> float:
        return TOP + (1 - level / y_high) * (HEIGHT - TOP - BOTTOM)

    decimals = 1 if unit == Unit.MG_DL else 0
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    dots = "".join(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3.5"/>' for d, v in points)
    first, last = points[0], points[-1]
    label = _(
        "%(count)d measurements from day %(first_day).1f to day %(last_day).1f: "
        "from %(first)s to %(last)s %(unit)s"
    ) % {
        "count": len(points),
        "first_day": first[0],
        "last_day": last[0],
        "first": f"{first[1]:.{decimals}f}",
        "last": f"{last[1]:.{decimals}f}",
        "unit": unit_shown,
    }
    day = _("day %(n).1f")
    base = HEIGHT - BOTTOM
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#8a939d"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#8a939d"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 10}" text-anchor="end">{y_high:.0f}</text>'
        f'<text x="{LEFT - 4}" y="{base}" text-anchor="end">0</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 6}">{escape(day % {"n": first[0]})}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end">'
        f"{escape(day % {'n': last[0]})}</text>"
        f'<text x="{LEFT + 4}" y="{TOP + 10}">{unit_shown}</text>'
        f'<polyline points="{line}" fill="none" stroke="#0f5c4d" stroke-width="2"/>'
        f'<g fill="#0f5c4d">{dots}</g></svg>'
    )
