"""Who is told what about a question. Outbox rows in the caller's transaction (consent, opt-out,
quiet hours and the daily budget are `messages_enqueue`'s); `dedupe_key`s make a repeat write
nothing new."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from neocare.messaging.notify import WHEN_FORMAT
from neocare.messaging.services import Draft, messages_enqueue
from neocare.network.models import Facility, User


def _ref(infant) -> str:
    return str(infant.public_id)[:8]


def _when(instant, person) -> str:
    language = person.language or settings.LANGUAGE_CODE
    with translation.override(language):
        return date_format(timezone.localtime(instant), WHEN_FORMAT.get(language, "Y-m-d H:i"))


def _centre_doctors(infant):
    return User.objects.filter(
        role=User.Role.COMMUNITY_DOCTOR, facility_id=infant.registered_centre_id
    )


def notify_question_received(question) -> None:
    """The doctors of the infant's centre hear of a new question (not urgent: quiet hours hold
    it), or — when it named a danger sign — at once, with the words found."""
    infant = question.infant
    drafts = []
    for doctor in _centre_doctors(infant):
        if question.danger:
            template = "question_danger_doctor"
            params = {"infant": infant.display_name, "ref": _ref(infant)}
            params["words"] = "、".join(question.danger_words)
        elif question.doctor_today:
            template = "question_today_doctor"
            params = {
                "infant": infant.display_name,
                "ref": _ref(infant),
                "words": "、".join([*question.today_words, *question.mentioned_words]),
                "due": _when(question.answer_due_at, doctor),
            }
        else:
            template = "question_received"
            params = {
                "infant": infant.display_name,
                "ref": _ref(infant),
                "due": _when(question.answer_due_at, doctor),
            }
        drafts.append(
            Draft(
                recipient=doctor,
                template=template,
                params=params,
                infant=infant,
                urgent=question.danger or question.doctor_today,
                dedupe_key=f"question:{question.pk}:received:{doctor.pk}",
            )
        )
    messages_enqueue(drafts)


def notify_question_answer(question) -> None:
    """The parent who asked reads the answer (a doctor's, or the system's emergency advice)."""
    parent = question.asked_by
    params = {"infant": question.infant.display_name}
    if question.danger and question.answered_by_system:
        template = "question_danger"
        params["advice"] = question.answer
    else:
        template = "question_answer"
        params["answer"] = question.answer
    messages_enqueue(
        [
            Draft(
                recipient=parent,
                template=template,
                params=params,
                infant=question.infant,
                urgent=question.danger,
                dedupe_key=f"question:{question.pk}:answer:{parent.pk}",
            )
        ]
    )


def notify_question_overdue(question, *, hours: int) -> None:
    """Level 1: the district centre's doctors of the infant's district (as alerts escalate)."""
    infant = question.infant
    doctors = User.objects.filter(
        role=User.Role.DISTRICT_DOCTOR,
        facility__tier=Facility.Tier.DISTRICT_CENTRE,
        facility__district_id=infant.registered_centre.district_id,
    )
    messages_enqueue(
        [
            Draft(
                recipient=doctor,
                template="question_overdue",
                params={
                    "centre": infant.registered_centre.name,
                    "hours": hours,
                    "ref": _ref(infant),
                },
                infant=infant,
                dedupe_key=f"question:{question.pk}:overdue:{question.escalation_level}:{doctor.pk}",
            )
            for doctor in doctors
        ]
    )
