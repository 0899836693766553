"""The bilirubin chart of one infant: readings over age in hours on top of the AAP 2022 lines
for this infant's gestational age and risk, and the Bhutani zones. Drawn by matplotlib as SVG
on the server (no pyplot: a Figure per request is thread-safe).

Meter, lab and visual values and photo estimates are marked differently; photo estimates carry
their band. Points at or above the phototherapy line are drawn as their own SVG group
(`points-above-phototherapy`), which the browser test looks for.
"""

import hashlib
import io
import re
import warnings

import matplotlib
from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from neocare.console.units import unit_label
from neocare.infants.assessments import infant_facts, reading_facts
from neocare.infants.models import Reading
from risk_model.guideline import InfantFacts, bhutani_applies, thresholds
from risk_model.tables import bhutani_percentiles
from risk_model.units import Unit, mg_dl_shown, to_umol_l

MARKERS = {
    # method → (marker, colour)
    Reading.Method.TCB_HOME: ("o", "#1f4e9c"),
    Reading.Method.TCB_CLINIC: ("D", "#0b7a8a"),
    Reading.Method.TSB_LAB: ("s", "#000000"),
    Reading.Method.VISUAL: ("x", "#6b6b6b"),
}
LEGENDS = {  # marked for translation here, translated when drawn
    Reading.Method.TCB_HOME: gettext_noop("home meter (TcB)"),
    Reading.Method.TCB_CLINIC: gettext_noop("clinic meter (TcB)"),
    Reading.Method.TSB_LAB: gettext_noop("lab (TSB)"),
    Reading.Method.VISUAL: gettext_noop("visual estimate"),
}


def at_or_above_phototherapy(infant: InfantFacts, age_hours: float, value_mg_dl: float) -> bool:
    """The guideline's own test, at the reading's exact age: the value as shown (mg/dL to 0.1)
    at or above the threshold as shown (the thresholds a clinician set, where AAP 2022 does
    not apply)."""
    th = thresholds(
        ga_weeks=infant.gestational_age_weeks,
        age_hours=age_hours,
        neurotoxicity_risk=infant.neurotoxicity_risk,
        clinician=infant.clinician_thresholds,
    )
    return th.applies and mg_dl_shown(value_mg_dl) >= mg_dl_shown(th.phototherapy_mg_dl)


def _hours_shown(infant, readings, photos) -> int:
    ages = [infant.age_hours_at(r.measured_at) for r in readings]
    ages += [infant.age_hours_at(p.taken_at) for p in photos]
    return int(min(336, max([168.0, *(a + 24 for a in ages)])))


def bilirubin_svg(infant, readings, photos, *, unit: Unit = Unit.MG_DL) -> str:
    """The chart in `unit` (µmol/L: every mg/dL number converted by `risk_model.units`)."""
    infant_guideline = infant_facts(infant)
    last_hour = _hours_shown(infant, readings, photos)
    hours = list(range(1, last_hour + 1))
    # The legend sits below the plot, never over the newest points.
    figure = Figure(figsize=(8, 5.2), dpi=100)
    # Fixed margins instead of a layout engine (constrained layout doubled the page's time):
    # the plot on top, the legend in the band below it.
    ax = figure.add_axes((0.08, 0.21, 0.9, 0.72))

    def y(values):
        """mg/dL → the chart's unit."""
        if unit is Unit.MG_DL:
            return values
        if isinstance(values, (int, float)):
            return to_umol_l(values, Unit.MG_DL)
        return [to_umol_l(v, Unit.MG_DL) for v in values]

    # The treatment period, once phototherapy is recorded (still running: up to now).
    now_hours = infant.age_hours_at(timezone.now())
    for index, course in enumerate(infant.phototherapy.order_by("started_at")):
        start = infant.age_hours_at(course.started_at)
        stop = infant.age_hours_at(course.stopped_at) if course.stopped_at else now_hours
        ax.axvspan(
            start,
            stop,
            color="#cfe3ff",
            zorder=0,
            label=_("phototherapy given") if index == 0 else None,
        )

    # Bhutani zones (context only), where the nomogram is digitised (12–148 h).
    zone_hours = [h for h in hours if bhutani_percentiles(h) is not None]
    if zone_hours and bhutani_applies(infant_guideline):
        tracks = [bhutani_percentiles(h) for h in zone_hours]
        p40, p75, p95 = (
            [getattr(t, n) for t in tracks] for n in ("p40_mg_dl", "p75_mg_dl", "p95_mg_dl")
        )
        ax.fill_between(zone_hours, y(p75), y(p95), color="#f3e3b3", label=_("nomogram p75–p95"))
        ax.fill_between(zone_hours, y(p40), y(p75), color="#f8f0d8", label=_("nomogram p40–p75"))

    lines = [
        thresholds(
            ga_weeks=infant_guideline.gestational_age_weeks,
            age_hours=h,
            neurotoxicity_risk=infant_guideline.neurotoxicity_risk,
        )
        for h in hours
    ]
    if lines[0].applies:
        ax.plot(
            hours,
            y([t.phototherapy_mg_dl for t in lines]),
            color="#1b7f3b",
            lw=2,
            label=_("phototherapy (AAP 2022)"),
        )
        ax.plot(
            hours,
            y([t.escalation_mg_dl for t in lines]),
            color="#c05800",
            lw=2,
            ls="--",
            label=_("escalation of care"),
        )
        ax.plot(
            hours,
            y([t.exchange_mg_dl for t in lines]),
            color="#b00020",
            lw=2,
            label=_("exchange transfusion"),
        )
        curves = _("with neurotoxicity risk") if lines[0].neurotoxicity_curves else _("no risk")
        ax.set_title(
            _("AAP 2022 lines for %(weeks)s weeks, %(curves)s")
            % {"weeks": lines[0].ga_weeks_row, "curves": curves},
            fontsize=10,
        )
    elif infant_guideline.clinician_thresholds is not None:
        set_by_clinician = infant_guideline.clinician_thresholds
        ax.axhline(
            y(set_by_clinician.phototherapy_mg_dl),
            color="#1b7f3b",
            lw=2,
            label=_("phototherapy (set by a clinician)"),
        )
        if set_by_clinician.exchange_mg_dl is not None:
            ax.axhline(
                y(set_by_clinician.exchange_mg_dl),
                color="#b00020",
                lw=2,
                label=_("exchange transfusion (set by a clinician)"),
            )
        ax.set_title(_("AAP 2022 does not apply: thresholds set by a clinician"), fontsize=10)
    else:
        ax.set_title(_("AAP 2022 does not apply to this infant: no threshold lines"), fontsize=10)

    above_x, above_y = [], []
    shown = set()
    for reading in readings:
        facts = reading_facts(infant, reading)  # the values the assessments were made from
        age, value = facts.age_hours, facts.value_mg_dl
        marker, colour = MARKERS[reading.method]
        legend = LEGENDS[reading.method]
        if reading.needs_confirmation:  # kept and shown, but it lowered nothing
            colour, legend = "#b0b0b0", gettext_noop("value needs confirmation")
        ax.scatter(
            [age],
            [y(value)],
            marker=marker,
            color=colour,
            s=36,
            zorder=3,
            label=None if legend in shown else _(legend),
        )
        shown.add(legend)
        if reading.method != Reading.Method.VISUAL and at_or_above_phototherapy(
            infant_guideline, age, value
        ):
            above_x.append(age)
            above_y.append(value)
    if above_x:
        ax.scatter(
            above_x,
            y(above_y),
            s=140,
            facecolors="none",
            edgecolors="#b00020",
            lw=2,
            zorder=4,
            gid="points-above-phototherapy",
            label=_("at/above phototherapy"),
        )

    estimates = [p for p in photos if p.estimate_mg_dl is not None]
    if estimates:
        ages = [infant.age_hours_at(p.taken_at) for p in estimates]
        values = y([p.estimate_mg_dl for p in estimates])
        errors = [
            [v - y(p.estimate_low_mg_dl) for v, p in zip(values, estimates, strict=True)],
            [y(p.estimate_high_mg_dl) - v for v, p in zip(values, estimates, strict=True)],
        ]
        ax.errorbar(
            ages,
            values,
            yerr=errors,
            fmt="^",
            color="#7a3db8",
            mfc="white",
            capsize=3,
            zorder=3,
            label=_("photo estimate (not a measurement)"),
        )

    ax.set_xlim(0, last_hour)
    ax.set_ylim(0, y(max(25.0, *(t.exchange_mg_dl + 2 for t in lines if t.applies))))
    ax.set_xlabel(_("age (hours)"))
    ax.set_ylabel(unit_label(unit))
    ax.grid(True, color="#dddddd", lw=0.5)
    figure.legend(loc="lower center", fontsize=7, ncols=4, frameon=False)
    return svg(figure, layout=False)


def svg(figure, *, layout: bool = True) -> str:
    """Inline SVG (no XML prologue) whose text stays text: the browser draws it with its own
    fonts, so Chinese labels need no CJK font on the server (matplotlib only lays them out,
    hence the silenced "missing glyph" warnings)."""
    out = io.StringIO()
    with warnings.catch_warnings(), matplotlib.rc_context({"svg.fonttype": "none"}):
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        if layout and figure.get_layout_engine() is None:
            figure.tight_layout()
        figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    # matplotlib's one <style> element (default line joins) would need a CSP exception; its
    # presentation lives in attributes, which the policy allows.
    text = re.sub(r"<style[^>]*>.*?</style>", "", text, flags=re.S)
    return text[text.index("<svg") :]


# Drawn charts are kept this long, keyed by what they show: a chart is a pure function of the
# published numbers and the language, so a cached one is never stale, and drawing (~0.1–0.2 s
# each) is most of the regional dashboard's time.
DASHBOARD_CHART_CACHE_SECONDS = 3600


def dashboard_charts(tables) -> dict[str, str | None]:
    """Charts of the published (already suppressed) numbers only: a suppressed cell is left
    out, never drawn from the hidden value. None where there is nothing to draw (the page says
    what is empty instead of showing an empty frame)."""
    shown = (get_language(), tables["readings_per_day"].rows, tables["alerts"].rows)
    key = "dashboard-charts:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    return cache.get_or_set(key, lambda: _draw(tables), DASHBOARD_CHART_CACHE_SECONDS)


def _draw(tables) -> dict[str, str | None]:
    from neocare.console.stats import COLUMN_LABELS, SEVERITIES

    charts: dict[str, str | None] = {}
    days = [(row[0], row[1]) for row in tables["readings_per_day"].rows if isinstance(row[1], int)]
    if any(n for _d, n in days):
        figure = Figure(figsize=(8, 2.6), dpi=100)
        ax = figure.add_subplot()
        positions = range(len(days))
        ax.bar(positions, [n for _d, n in days], color="#1f4e9c")
        ax.set_xticks(positions, [formats.date_format(d, "SHORT_DATE_FORMAT") for d, _n in days])
        ax.set_ylabel(_("readings"))
        ax.set_title(_("Readings per day"), fontsize=10)
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
        figure.subplots_adjust(left=0.1, right=0.98, top=0.88, bottom=0.32)  # fixed: faster
        charts["readings_per_day"] = svg(figure, layout=False)
    else:
        charts["readings_per_day"] = None

    alerts = tables["alerts"]
    colours = {"doctor_review": "#e0a800", "urgent_referral": "#c05800", "emergency": "#b00020"}
    columns = {
        severity: [row[j] if isinstance(row[j], int) else 0 for row in alerts.rows]
        for j, severity in enumerate(SEVERITIES, start=1)
    }
    if any(any(values) for values in columns.values()):
        figure = Figure(figsize=(8, 3), dpi=100)
        ax = figure.add_subplot()
        names = [row[0] for row in alerts.rows]
        bottom = [0] * len(names)
        for severity, values in columns.items():
            ax.bar(
                names,
                values,
                bottom=bottom,
                color=colours[severity],
                label=str(COLUMN_LABELS[severity]),
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(_("Alerts by severity and district (suppressed cells left out)"), fontsize=10)
        figure.legend(loc="lower center", fontsize=7, ncols=3, frameon=False)
        figure.subplots_adjust(left=0.1, right=0.98, top=0.88, bottom=0.2)  # fixed: faster
        charts["alerts"] = svg(figure, layout=False)
    else:
        charts["alerts"] = None
    return charts
