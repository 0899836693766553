"""Asking, answering and escalating parents' questions. Every step is audited; errors as in
`neocare.infants.services` (ValidationError → 400, PermissionDenied → 403,
IdempotencyConflict → 409)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.infants.models import Channel, Infant, Observation
from neocare.infants.services import (
    Recorded,
    check_may_record_for,
    observation_record,
    original_or_conflict,
)
from neocare.network.models import User
from neocare.photos.models import Photo
from neocare.questions.danger import dark_urine_in, doctor_today_in, pale_stool_in, signs_in
from neocare.questions.models import Question
from neocare.questions.notify import (
    notify_question_answer,
    notify_question_overdue,
    notify_question_received,
)
from neocare.questions.selectors import ANSWERING_ROLES
from risk_model.reasons import TEXTS

logger = logging.getLogger(__name__)


def _audit(question: Question, *, actor: User | None, action: str, reason: str = "") -> None:
    audit_record(
        actor=actor,
        infant=question.infant,
        action=action,
        object_type="question",
        object_id=question.public_id,
        reason=reason,
    )


def emergency_advice(language: str) -> str:
    """The guideline engine's own words for an emergency (risk_model.reasons), and 120."""
    parent = TEXTS["action_emergency"][0 if language == "zh-hans" else 1]
    with translation.override(language):
        call = _("If your baby is very unwell, call 120 now.")
    return parent + ("" if language == "zh-hans" else " ") + call


def question_ask(
    *,
    infant: Infant,
    asked_by: User,
    text: str,
    idempotency_key: str,
    photo_id=None,
) -> Recorded[Question]:
    """A guardian with active consent asks about their infant (the caller found the infant in
    their scope). A resend with the same key and text returns the first question."""
    if asked_by.role != User.Role.GUARDIAN:
        raise PermissionDenied(_("Only the infant's guardians ask questions here."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write your question.")]})
    photo = None
    if photo_id is not None:
        # Another infant's photo (or one that does not exist) is the same answer: not found.
        photo = Photo.objects.filter(public_id=photo_id, infant=infant).first()
        if photo is None:
            raise ValidationError({"photo": [_("No photo with this id for this infant.")]})
    same = {"infant_id": infant.id, "text": text, "photo_id": photo.id if photo else None}
    original = original_or_conflict(
        Question, asked_by=asked_by, idempotency_key=idempotency_key, same=same
    )
    if original is not None:
        return Recorded(original, created=False)
    check_may_record_for(infant, asked_by)  # consent withdrawn → 403
    words, signs, mentioned = signs_in(text)
    today = doctor_today_in(text)
    now = timezone.now()
    # A daily limit keeps the inbox for everyone; a danger sign is always answered.
    recent = Question.objects.filter(asked_by=asked_by, created_at__gte=now - timedelta(days=1))
    if not words and recent.count() >= settings.QUESTIONS_PER_PARENT_PER_DAY:
        raise ValidationError(
            {
                "text": [
                    _(
                        "You have sent many questions today. For anything urgent, call your "
                        "community health centre; in an emergency, call 120."
                    )
                ]
            }
        )
    try:
        with transaction.atomic():
            question = Question.objects.create(
                infant=infant,
                asked_by=asked_by,
                text=text,
                photo=photo,
                idempotency_key=idempotency_key,
                created_at=now,
                # Programme policies QUESTION_ANSWER_HOURS, QUESTION_DOCTOR_TODAY_HOURS.
                answer_due_at=now
                + timedelta(
                    hours=settings.QUESTION_DOCTOR_TODAY_HOURS
                    if (mentioned or today)
                    else settings.QUESTION_ANSWER_HOURS
                ),
                danger=bool(words),
                danger_words=words,
                mentioned_words=mentioned,
                today_words=today,
            )
            _audit(question, actor=asked_by, action=AuditEvent.Action.CREATE)
            # Pale stools and dark urine are recorded too (a doctor review), with or without
            # a danger sign; they alone leave the question to the doctor's answer.
            liver = {}
            if pale_stool_in(text):
                liver["stool_colour"] = Observation.StoolColour.PALE
            if dark_urine_in(text):
                liver["dark_urine"] = True
            if question.danger:
                _answer_danger(question, signs, now, liver)
            elif liver:
                _observe(question, now, **liver)
                question.save(update_fields=["observation"])
            notify_question_received(question)
    except IntegrityError:
        original = original_or_conflict(
            Question, asked_by=asked_by, idempotency_key=idempotency_key, same=same
        )
        if original is None:
            raise
        return Recorded(original, created=False)
    return Recorded(question, created=True)


def _answer_danger(question: Question, signs: set[str], now: datetime, liver: dict) -> None:
    """Answered at once by the system with the emergency advice; the danger signs it names are
    recorded as the parent's observation, so the guideline engine assesses them (an emergency:
    the alert opens or rises, the system refers) — the one path every record takes."""
    parent = question.asked_by
    question.answer = emergency_advice(parent.language or settings.LANGUAGE_CODE)
    question.status, question.answered_at = Question.Status.ANSWERED, now
    _observe(question, now, **{sign: True for sign in sorted(signs)}, **liver)
    question.save()
    _audit(
        question,
        actor=None,
        action=AuditEvent.Action.UPDATE,
        reason="answered: emergency advice (danger words)",
    )
    notify_question_answer(question)


def _observe(question: Question, now: datetime, **values) -> None:
    """Record what the question reports as the parent's observation, which the guideline
    engine assesses like any other (alerts, referral)."""
    try:
        recorded = observation_record(
            infant=question.infant,
            observed_at=now,
            entered_by=question.asked_by,
            channel=Channel.APP,
            idempotency_key=f"question:{question.public_id}",
            **values,
        )
    except ValidationError:
        # Past the neonatal period no observation is accepted; the question still stands.
        logger.warning("question %s: no observation recorded", question.public_id)
    else:
        question.observation = recorded.record


@transaction.atomic
def question_answer(*, question: Question, by: User, answer: str) -> Question:
    """A community or district doctor (the caller found the question in their scope) answers;
    the parent reads it by SMS and in the app. A question is answered once."""
    if by.role not in ANSWERING_ROLES:
        raise PermissionDenied(_("Only community and district doctors answer questions."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": [_("Write the answer.")]})
    question = (
        Question.objects.select_for_update()
        .select_related("infant", "asked_by")
        .get(pk=question.pk)
    )
    if question.status != Question.Status.OPEN:
        raise ValidationError({"status": [_("This question has already been answered.")]})
    question.status, question.answer = Question.Status.ANSWERED, answer
    question.answered_by, question.answered_at = by, timezone.now()
    question.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    _audit(question, actor=by, action=AuditEvent.Action.UPDATE, reason="answered")
    notify_question_answer(question)
    return question


def questions_escalate(*, now: datetime | None = None) -> int:
    """Open questions past their deadline go to the district centre's doctors, once: each step
    is a conditional UPDATE, so a repeated or concurrent sweep sends nothing new."""
    now = now or timezone.now()
    escalated = 0
    overdue = Question.objects.filter(
        status=Question.Status.OPEN,
        escalation_level=Question.Escalation.CENTRE,
        answer_due_at__lte=now,
    ).select_related("infant", "infant__registered_centre")
    for question in overdue.iterator():
        with transaction.atomic():
            claimed = Question.objects.filter(
                pk=question.pk,
                status=Question.Status.OPEN,
                escalation_level=Question.Escalation.CENTRE,
            ).update(escalation_level=Question.Escalation.DISTRICT, escalated_at=now)
            if not claimed:
                continue
            escalated += 1
            question.escalation_level, question.escalated_at = Question.Escalation.DISTRICT, now
            _audit(question, actor=None, action=AuditEvent.Action.UPDATE, reason="escalated")
            hours = int((now - question.created_at).total_seconds() // 3600)
            notify_question_overdue(question, hours=hours)
    return escalated
