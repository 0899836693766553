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
    label: object = ""  # what the console calls it (a lazy translation), never the code


TEMPLATES = {
    "reading_result": Template(
        "NC_READING_RESULT",
        _("NeoCare: %(infant)s's %(what)s was received. %(advice)s%(next)s"),
        _("result of a reading"),
    ),
    "photo_result": Template(
        "NC_PHOTO_RESULT",
        _(
            "NeoCare: %(infant)s's skin photo suggests about %(range)s. A photo estimate only "
            "screens; it is not a measurement. %(advice)s%(next)s"
        ),
        _("result of a skin photo"),
    ),
    "treatment_result": Template(
        "NC_TREATMENT_RESULT",
        _("NeoCare: %(infant)s's phototherapy has been recorded. %(advice)s%(next)s"),
        _("phototherapy recorded"),
    ),
    "photo_retake": Template(
        "NC_PHOTO_RETAKE",
        _(
            "NeoCare: %(infant)s's skin photo could not be used: %(problem)s. Please retake it: "
            "%(fix)s"
        ),
        _("photo to retake"),
    ),
    "referral": Template(
        "NC_REFERRAL",
        _(
            "NeoCare: take %(infant)s to %(hospital)s today. Address: %(address)s. "
            "Bring this message."
        ),
        _("referral to hospital"),
    ),
    "referral_emergency": Template(
        "NC_REFERRAL_EMERGENCY",
        _(
            "NeoCare: emergency. Take %(infant)s to the emergency department of %(hospital)s "
            "now. Address: %(address)s. If your baby is very unwell, call 120. Bring this message."
        ),
        _("emergency referral to hospital"),
    ),
    "reminder": Template(
        "NC_REMINDER",
        _("NeoCare: it is time to measure %(infant)s's bilirubin again (due %(due)s)."),
        _("measurement reminder"),
    ),
    "reminder_blood_test": Template(
        "NC_REMINDER_TSB",
        _(
            "NeoCare: it is time for %(infant)s's blood test (serum bilirubin), due %(due)s, at "
            "your community health centre or hospital."
        ),
        _("blood test reminder"),
    ),
    "reminder_prolonged_check": Template(
        "NC_REMINDER_PROLONGED",
        _(
            "NeoCare: %(infant)s is %(days)s days old. If the skin or the whites of the eyes are "
            "still yellow, see your doctor for a blood test (total and direct bilirubin); check "
            "the stool colour with the card."
        ),
        _("still yellow? reminder"),
    ),
    "reminder_second": Template(
        "NC_REMINDER_2",
        _(
            "NeoCare: %(infant)s's bilirubin measurement due %(due)s has not arrived. Please "
            "measure today; your community doctor has been told."
        ),
        _("second measurement reminder"),
    ),
    "doctor_missed_measurement": Template(
        "NC_DR_MISSED",
        _("NeoCare: %(infant)s (ref %(ref)s) missed a measurement due %(due)s. Please call."),
        _("missed measurement (to the doctor)"),
    ),
    "doctor_alert": Template(
        "NC_DR_ALERT",
        _(
            "NeoCare: new %(severity)s alert for %(infant)s (ref %(ref)s): %(why)s Open the "
            "triage queue."
        ),
        _("alert (to the doctor)"),
    ),
    "doctor_escalated": Template(
        "NC_DR_ESCALATED",
        _(
            "NeoCare: %(severity)s alert at %(centre)s unacknowledged for %(waited)s "
            "(ref %(ref)s). Please act."
        ),
        _("escalated alert (to the doctor)"),
    ),
    "opt_out_confirmed": Template(
        "NC_OPT_OUT",
        _("NeoCare: you will receive no more messages. Reply with your doctor to rejoin."),
        _("opt-out confirmed"),
    ),
    # Several messages to one number folded into one (daily budget): parts are rendered texts.
    "combined": Template("NC_COMBINED", _("%(parts)s"), _("several messages in one")),
}


def render(template: str, params: dict, language: str) -> str:
    with translation.override(language):
        return str(TEMPLATES[template].text) % params
