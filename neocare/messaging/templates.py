"""Message templates, kept with the code and translated with Django i18n.

Carriers' SMS gateways send an *approved template id plus parameters*, never free text: each
entry has the provider's template id (to register with the provider) and our text, which the
console and file backends print and the catalogue translates. Parameters are plain strings.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Template:
    provider_id: str
    text: object  # a lazy translation with %(name)s parameters


TEMPLATES = {
    "reading_result": Template(
        "NC_READING_RESULT",
        _("NeoCare: %(infant)s's %(what)s was received. %(advice)s%(next)s"),
    ),
    "photo_result": Template(
        "NC_PHOTO_RESULT",
        _(
            "NeoCare: %(infant)s's skin photo suggests about %(range)s. A photo estimate only "
            "screens; it is not a measurement. %(advice)s%(next)s"
        ),
    ),
    "treatment_result": Template(
        "NC_TREATMENT_RESULT",
        _("NeoCare: %(infant)s's phototherapy has been recorded. %(advice)s%(next)s"),
    ),
    "photo_retake": Template(
        "NC_PHOTO_RETAKE",
        _(
            "NeoCare: %(infant)s's skin photo could not be used: %(problem)s. Please retake it: "
            "%(fix)s"
        ),
    ),
    "referral": Template(
        "NC_REFERRAL",
        _(
            "NeoCare: take %(infant)s to %(hospital)s today. Address: %(address)s. "
            "Bring this message."
        ),
    ),
    "reminder": Template(
        "NC_REMINDER",
        _("NeoCare: it is time to measure %(infant)s's bilirubin again (due %(due)s)."),
    ),
    "reminder_second": Template(
        "NC_REMINDER_2",
        _(
            "NeoCare: %(infant)s's bilirubin measurement due %(due)s has not arrived. Please "
            "measure today; your community doctor has been told."
        ),
    ),
    "doctor_missed_measurement": Template(
        "NC_DR_MISSED",
        _("NeoCare: %(infant)s (ref %(ref)s) missed a measurement due %(due)s. Please call."),
    ),
    "doctor_alert": Template(
        "NC_DR_ALERT",
        _("NeoCare: new %(severity)s alert for %(infant)s (ref %(ref)s). Open the triage queue."),
    ),
    "doctor_escalated": Template(
        "NC_DR_ESCALATED",
        _(
            "NeoCare: %(severity)s alert at %(centre)s unacknowledged for %(minutes)s min "
            "(ref %(ref)s). Please act."
        ),
    ),
    "opt_out_confirmed": Template(
        "NC_OPT_OUT",
        _("NeoCare: you will receive no more messages. Reply with your doctor to rejoin."),
    ),
    # Several messages to one number folded into one (daily budget): parts are rendered texts.
    "combined": Template("NC_COMBINED", _("%(parts)s")),
}


def render(template: str, params: dict, language: str) -> str:
    with translation.override(language):
        return str(TEMPLATES[template].text) % params
