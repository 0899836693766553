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


# Templates whose parameters must not stay in the outbox once the message has gone.
SECRET_TEMPLATES = {"auth"}

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
            "NeoCare: it is time for %(infant)s's blood test (serum bilirubin), due %(due)s: "
            "please have it %(where)s."
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
    # A parent's sign-in code: urgent (quiet hours do not hold it back); its parameters are
    # blanked once sent (SECRET_TEMPLATES).
    "auth": Template(
        "NC_AUTH_CODE",
        _(
            "NeoCare: your sign-in code is %(code)s. It is valid for %(minutes)s minutes. "
            "Do not share it with anyone, not even programme staff."
        ),
        _("sign-in code"),
    ),
    "invitation": Template(
        "NC_INVITATION",
        _(
            "NeoCare: %(centre)s has enrolled %(infant)s in the newborn jaundice follow-up "
            "programme (consent text %(version)s). We will text you when to measure jaundice at "
            "home and what each result means, and your community doctor will follow up when "
            "needed. Your page (sign in with this number and an SMS code): %(link)s. To leave, "
            "reply TD or withdraw on your page. Messages do not replace care: if your baby "
            "feeds poorly, is hard to wake, has a seizure or blue lips, go to the emergency "
            "department now or call 120."
        ),
        _("invitation to the programme"),
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
        _(
            "NeoCare: you will receive no more messages, including measurement reminders and "
            "hospital referrals. If your baby looks more yellow or shows a danger sign, see a "
            "doctor. To rejoin, ask your doctor."
        ),
        _("opt-out confirmed"),
    ),
    # Parents' questions (neocare/questions, issue #15 item 6).
    "question_received": Template(
        "NC_DR_QUESTION",
        _(
            "NeoCare: the parents of %(infant)s (ref %(ref)s) asked a question. Please answer "
            "by %(due)s in the questions inbox."
        ),
        _("parents' question (to the doctor)"),
    ),
    "question_today_doctor": Template(
        "NC_DR_QUESTION_TODAY",
        _(
            "NeoCare: the parents of %(infant)s (ref %(ref)s) asked a question that needs a "
            "doctor today (%(words)s). Please answer or call them by %(due)s."
        ),
        _("parents' question for today (to the doctor)"),
    ),
    "question_danger_doctor": Template(
        "NC_DR_QUESTION_DANGER",
        _(
            "NeoCare: the parents of %(infant)s (ref %(ref)s) wrote of a danger sign "
            "(%(words)s). They were told to go to the emergency department now. Please call "
            "them now."
        ),
        _("danger sign in a parents' question (to the doctor)"),
    ),
    "question_answer": Template(
        "NC_QUESTION_ANSWER",
        _("NeoCare: your community doctor's answer about %(infant)s: %(answer)s"),
        _("answer to a parents' question"),
    ),
    "question_danger": Template(
        "NC_QUESTION_DANGER",
        _(
            "NeoCare: what you wrote about %(infant)s can be a danger sign. %(advice)s "
            "Do not wait for a call back; your community doctor will also contact you soon."
        ),
        _("emergency advice on a parents' question"),
    ),
    "question_overdue": Template(
        "NC_DR_QUESTION_OVERDUE",
        _(
            "NeoCare: a parents' question at %(centre)s has waited %(hours)s h without an "
            "answer (ref %(ref)s). Please act."
        ),
        _("unanswered parents' question (to the doctor)"),
    ),
    # Timed education (neocare/knowledge/education.py): the lowest priority; the link is the
    # guardian's own (opening it is recorded).
    "education": Template(
        "NC_EDUCATION",
        _(
            'NeoCare, about jaundice: "%(title)s" %(link)s (for reading only: it does not '
            "change what your doctor or our messages asked you to do)"
        ),
        _("article for parents"),
    ),
    # Several messages to one number folded into one (daily budget): parts are rendered texts.
    "combined": Template("NC_COMBINED", _("%(parts)s"), _("several messages in one")),
}


def render(template: str, params: dict, language: str) -> str:
    with translation.override(language):
        return str(TEMPLATES[template].text) % params
