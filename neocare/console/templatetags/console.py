from datetime import date

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from neocare.console.units import Bilirubin, other, preferred_unit

register = template.Library()


@register.filter
def for_clinician(reasons) -> list[str]:
    """An assessment's reasons, clinician wording, in the page's language."""
    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    return [r["clinician"][language] for r in reasons or []]


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def bilirubin(context, value, signed=False):
    """A `Bilirubin` in the clinician's unit, the other unit in small print; "—" for none."""
    if value is None:
        return "—"
    unit = preferred_unit(context["request"].user)
    first, second = value.text(unit), value.text(other(unit))
    if signed:
        first, second = (t if t.startswith("-") else f"+{t}" for t in (first, second))
    return format_html(
        '<span class="bili">{}</span> <small class="muted">({})</small>', first, second
    )


@register.simple_tag(takes_context=True)
def bilirubin_gap(context, gap):
    """The gap to the phototherapy threshold (threshold − value) in words: how far below, or
    how far over (never a bare negative number)."""
    if gap is None:
        return "—"
    size = bilirubin(context, Bilirubin(abs(gap.mg_dl), abs(gap.umol_l)))
    if gap.mg_dl <= 0:
        return format_html(_("over by {}"), size) if gap.mg_dl else _("at the threshold")
    return format_html(_("{} below"), size)


@register.filter
def cell(value):
    """A dashboard cell: dates in the page's format (the CSV keeps ISO)."""
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value
