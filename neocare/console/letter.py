"""The referral letter (issue #14): one printable A4 page about one infant for the receiving
hospital — the infant, the guardians' phones, birth and risk details, the newest assessment, the
readings in both units, the chart, the reason, the referring doctor and their centre.

Two answers from one template: an HTML page with a print stylesheet, and a PDF that WeasyPrint
draws on the server from the same HTML (nothing fetched: the page has no external resource and
the fetcher refuses anything but `data:`). In the page's language (Simplified Chinese unless the
clinician chose English), or the one asked for with `?lang=en` / `?lang=zh-hans`. Scope as on
the record page, 404 out of scope (no break-glass here), and every view audited.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from neocare.alerts.models import ACTIVE
from neocare.audit.services import audit_view
from neocare.console.chart import bilirubin_svg
from neocare.console.units import Bilirubin, preferred_unit, unit_label
from neocare.console.views import CLINICIANS, for_roles
from neocare.infants.assessments import assessment_latest, reading_facts
from neocare.infants.models import (
    HyperbilirubinemiaRiskFactor,
    Infant,
    NeurotoxicityRiskFactor,
    Reading,
)
from neocare.infants.selectors import infants_visible_to
from neocare.network.models import User
from neocare.photos.models import Photo
from risk_model.units import Unit

TEMPLATE = "console/referral_letter.html"
# The newest readings that fit on one A4 page beside everything else (the chart shows them all);
# tests/console/test_referral_letter.py renders 40 readings and counts the PDF's pages.
LETTER_READINGS = 10


@dataclass(frozen=True)
class LetterReading:
    """One row of the letter's table: the value as sent and in both units as shown."""

    reading: Reading
    age_hours: float | None
    as_sent: str
    mg_dl: str  # to 0.1, as every rule compares it
    umol_l: str  # whole µmol/L, as sent when sent in µmol/L


def _letter_reading(infant: Infant, reading: Reading) -> LetterReading:
    shown = Bilirubin.of(reading.value_as_sent, reading.unit_as_sent)  # as every page shows it
    return LetterReading(
        reading=reading,
        age_hours=reading_facts(infant, reading).age_hours,
        as_sent=_as_sent(reading.value_as_sent, reading.unit_as_sent),
        mg_dl=f"{shown.mg_dl:.1f}",
        umol_l=str(shown.umol_l),
    )


def _as_sent(value: Decimal, unit: str) -> str:
    """The stored number without its padding zeros (215.00 → 215), mg/dL keeping a tenth
    (17.00 → 17.0), as the meters show them."""
    places = max(-value.normalize().as_tuple().exponent, 1 if unit == Unit.MG_DL else 0)
    return f"{value:.{places}f}"


def letter_context(infant: Infant, *, requested_by: User) -> dict:
    """Everything the letter shows, in the active language (call it inside `override`)."""
    readings = list(infant.readings.order_by("measured_at"))
    photos = list(infant.photos.filter(status=Photo.Status.USABLE).order_by("taken_at"))
    referral = (
        infant.referrals.select_related("hospital", "alert", "referred_by__facility")
        .order_by("-created_at")
        .first()
    )
    alert = infant.alerts.filter(status__in=ACTIVE).order_by("-opened_at").first()
    # Referring resolves the alert ("referred"): the referral's own alert still says why.
    reason_alert = alert or (referral.alert if referral else None)
    doctor = referral.referred_by if referral and referral.referred_by else requested_by
    neurotoxicity = infant.neurotoxicity_risk_factors
    shown = readings[-LETTER_READINGS:]
    return {
        "infant": infant,
        "umol_label": unit_label(Unit.UMOL_L),
        "today": timezone.localdate(),
        "age_hours": infant.age_hours_at(timezone.now()),
        "guardianships": infant.guardianships.select_related("guardian").order_by("pk"),
        # None: not assessed (the guideline then uses the more cautious curves).
        "neurotoxicity_factors": None
        if neurotoxicity is None
        else [NeurotoxicityRiskFactor(code).label for code in neurotoxicity],
        "hyperbilirubinemia_factors": [
            HyperbilirubinemiaRiskFactor(code).label
            for code in infant.hyperbilirubinemia_risk_factors or []
        ],
        "latest": assessment_latest(infant),
        "rows": [_letter_reading(infant, r) for r in shown],
        "not_shown": len(readings) - len(shown),
        "chart": bilirubin_svg(infant, readings, photos, unit=preferred_unit(requested_by)),
        "referral": referral,
        "reason_text": referral.reason if referral else "",
        "reason_alert": reason_alert,
        "doctor": doctor,
    }


def _letter_language(request) -> str:
    """`?lang=` when it names one of the console's languages, else the page's own."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


def _letter_infant(request, infant_id) -> Infant:
    infant = get_object_or_404(
        infants_visible_to(request.user).select_related("registered_centre", "delivering_hospital"),
        public_id=infant_id,
    )
    audit_view(actor=request.user, infant=infant, what="console_referral_letter")
    return infant


@for_roles(*CLINICIANS)
def page(request, infant_id):
    """The letter as a console page; the browser's print gives the same one A4 page."""
    infant = _letter_infant(request, infant_id)
    language = _letter_language(request)
    with translation.override(language):
        response = render(request, TEMPLATE, letter_context(infant, requested_by=request.user))
    response["Content-Language"] = language
    return response


@for_roles(*CLINICIANS)
def pdf(request, infant_id):
    """The letter as a PDF download, drawn on the server."""
    infant = _letter_infant(request, infant_id)
    language = _letter_language(request)
    with translation.override(language):
        document = _one_page_pdf(request, letter_context(infant, requested_by=request.user))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="referral-letter-{infant.public_id}.pdf"'
    )
    response["Content-Language"] = language
    return response


def _one_page_pdf(request, context: dict) -> bytes:
    """The letter's own HTML drawn by WeasyPrint on one A4 page. Should long free text (a
    referral reason, many guardians) push it onto a second page, the oldest rows of the table
    give way one by one; the chart still shows every reading."""
    # Imported here: WeasyPrint loads Pango when imported, and only this answer needs it.
    from weasyprint import HTML, URLFetcher

    while True:
        html = render_to_string(TEMPLATE, context, request=request)
        # No network and no files: the letter carries everything inline; anything else is
        # refused (a `data:` URL is the only kind WeasyPrint may open).
        offline = URLFetcher(allowed_protocols=["data"])
        document = HTML(string=html, base_url=None, url_fetcher=offline).render()
        if len(document.pages) == 1 or not context["rows"]:
            return document.write_pdf()
        context = {
            **context,
            "rows": context["rows"][1:],
            "not_shown": context["not_shown"] + 1,
        }
