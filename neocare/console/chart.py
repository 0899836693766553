"""The bilirubin chart of one infant: readings over age in hours on top of the AAP 2022 lines
for this infant's gestational age and risk, and the Bhutani zones. Drawn by matplotlib as SVG
on the server (no pyplot: a Figure per request is thread-safe).

Meter, lab and visual values and photo estimates are marked differently; photo estimates carry
their band. Points at or above the phototherapy line are drawn as their own SVG group
(`points-above-phototherapy`), which the browser test looks for.
"""

import io
import re
import warnings

import matplotlib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from matplotlib.figure import Figure

from neocare.infants.assessments import infant_facts, reading_facts
from neocare.infants.models import Reading
from risk_model.guideline import InfantFacts, bhutani_applies, thresholds
from risk_model.tables import bhutani_percentiles
from risk_model.units import mg_dl_shown

MARKERS = {
    # method → (marker, colour, legend)
    Reading.Method.TCB_HOME: ("o", "#1f4e9c"),
    Reading.Method.TCB_CLINIC: ("o", "#1f4e9c"),
    Reading.Method.TSB_LAB: ("s", "#000000"),
    Reading.Method.VISUAL: ("x", "#6b6b6b"),
}
LEGENDS = {  # marked for translation here, translated when drawn
    Reading.Method.TCB_HOME: gettext_noop("meter (TcB)"),
    Reading.Method.TCB_CLINIC: gettext_noop("meter (TcB)"),
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


def bilirubin_svg(infant, readings, photos) -> str:
    infant_guideline = infant_facts(infant)
    last_hour = _hours_shown(infant, readings, photos)
    hours = list(range(1, last_hour + 1))
    figure = Figure(figsize=(8, 4.2), dpi=100)
    ax = figure.add_subplot()

    # Bhutani zones (context only), where the nomogram is digitised (12–148 h).
    zone_hours = [h for h in hours if bhutani_percentiles(h) is not None]
    if zone_hours and bhutani_applies(infant_guideline):
        tracks = [bhutani_percentiles(h) for h in zone_hours]
        p40, p75, p95 = (
            [getattr(t, n) for t in tracks] for n in ("p40_mg_dl", "p75_mg_dl", "p95_mg_dl")
        )
        ax.fill_between(zone_hours, p75, p95, color="#f3e3b3", label=_("nomogram p75–p95"))
        ax.fill_between(zone_hours, p40, p75, color="#f8f0d8", label=_("nomogram p40–p75"))

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
            [t.phototherapy_mg_dl for t in lines],
            color="#1b7f3b",
            lw=2,
            label=_("phototherapy (AAP 2022)"),
        )
        ax.plot(
            hours,
            [t.escalation_mg_dl for t in lines],
            color="#c05800",
            lw=2,
            ls="--",
            label=_("escalation of care"),
        )
        ax.plot(
            hours,
            [t.exchange_mg_dl for t in lines],
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
            set_by_clinician.phototherapy_mg_dl,
            color="#1b7f3b",
            lw=2,
            label=_("phototherapy (set by a clinician)"),
        )
        if set_by_clinician.exchange_mg_dl is not None:
            ax.axhline(
                set_by_clinician.exchange_mg_dl,
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
            [value],
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
            above_y,
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
        values = [p.estimate_mg_dl for p in estimates]
        errors = [
            [p.estimate_mg_dl - p.estimate_low_mg_dl for p in estimates],
            [p.estimate_high_mg_dl - p.estimate_mg_dl for p in estimates],
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
    ax.set_ylim(0, max(25.0, *(t.exchange_mg_dl + 2 for t in lines if t.applies)))
    ax.set_xlabel(_("age (hours)"))
    ax.set_ylabel("mg/dL")
    ax.grid(True, color="#dddddd", lw=0.5)
    ax.legend(loc="upper left", fontsize=7, ncols=2, framealpha=0.9)
    return svg(figure)


def svg(figure) -> str:
    """Inline SVG (no XML prologue) whose text stays text: the browser draws it with its own
    fonts, so Chinese labels need no CJK font on the server (matplotlib only lays them out,
    hence the silenced "missing glyph" warnings)."""
    out = io.StringIO()
    with warnings.catch_warnings(), matplotlib.rc_context({"svg.fonttype": "none"}):
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.tight_layout()
        figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    # matplotlib's one <style> element (default line joins) would need a CSP exception; its
    # presentation lives in attributes, which the policy allows.
    text = re.sub(r"<style[^>]*>.*?</style>", "", text, flags=re.S)
    return text[text.index("<svg") :]
