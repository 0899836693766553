"""Writing messages to the outbox and sending them, under the rules SMS providers impose.

- `message_enqueue` writes the row in the caller's transaction (with the event that caused it)
  and asks a task to send it once that transaction commits.
- `message_send` claims the row with a conditional UPDATE (one sender, ever), applies the
  per-number daily budget (urgent first) and merges what waits for the same number, then calls
  the gateway outside any transaction and records the outcome.
- `messages_sweep` re-dispatches what is due or stuck; it never resends a message whose outcome
  is unknown to a gateway that would not recognise the repeat.
"""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from neocare.celery import publish_on_commit
from neocare.infants.models import Guardianship
from neocare.messaging.gateways import FAILED, RETRY, SENT, UNKNOWN, Outgoing, gateway
from neocare.messaging.models import Message, PhoneDay, PhoneOptOut
from neocare.messaging.templates import SECRET_TEMPLATES, TEMPLATES, render
from neocare.network.models import User

logger = logging.getLogger(__name__)

OPT_OUT_KEYWORDS = {"TD", "T", "STOP", "退订", "UNSUBSCRIBE"}


def _local(instant: datetime) -> datetime:
    return timezone.localtime(instant)


def quiet_until(instant: datetime) -> datetime:
    """`instant` if outside quiet hours, else the end of them (local time)."""
    start, end = settings.SMS_QUIET_HOURS
    local = _local(instant)
    # A window that wraps midnight (21–8) is "after start or before end".
    wraps = start > end
    quiet = (local.hour >= start or local.hour < end) if wraps else start <= local.hour < end
    if not quiet:
        return instant
    wake = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake


@dataclass(frozen=True)
class Draft:
    """A message to write: who, which template with which parameters, about which infant."""

    recipient: User
    template: str
    params: dict
    infant: object = None
    urgent: bool = False
    # Education: the lowest priority (see `_allowed_today`).
    low_priority: bool = False
    # The event that causes it, e.g. "reminder:<id>:1:<guardian>": a repeat writes nothing.
    dedupe_key: str | None = None


def messages_enqueue(drafts: Sequence[Draft]) -> list[Message]:
    """Write messages to the outbox in the caller's transaction: one path for one or thousands.

    Recipients without a phone are skipped. Opted-out numbers and guardians who withdrew consent
    get a `suppressed` row (kept, with the reason) instead of a message. Each message due now is
    published to a worker once the transaction commits.
    """
    drafts = [d for d in drafts if d.recipient.phone_number]
    unknown = {d.template for d in drafts} - set(TEMPLATES)
    if unknown:
        raise ValueError(f"unknown templates {sorted(unknown)}")
    if not drafts:
        return []
    now = timezone.now()
    phones = {str(d.recipient.phone_number) for d in drafts}
    opted_out = set(PhoneOptOut.objects.filter(phone__in=phones).values_list("phone", flat=True))

    def to_guardian_about_infant(d: Draft) -> bool:
        return d.infant is not None and d.recipient.role == User.Role.GUARDIAN

    about = [d for d in drafts if to_guardian_about_infant(d)]
    consenting = set(
        Guardianship.objects.filter(
            infant_id__in={d.infant.pk for d in about},
            guardian_id__in={d.recipient.pk for d in about},
            consent_withdrawn_at__isnull=True,
        ).values_list("infant_id", "guardian_id")
    )
    rows = []
    for d in drafts:
        phone = str(d.recipient.phone_number)
        status, reason = Message.Status.PENDING, ""
        if d.template != "opt_out_confirmed" and phone in opted_out:
            status, reason = Message.Status.SUPPRESSED, "opted_out"
        elif to_guardian_about_infant(d) and (d.infant.pk, d.recipient.pk) not in consenting:
            status, reason = Message.Status.SUPPRESSED, "consent_withdrawn"
        rows.append(
            Message(
                recipient=d.recipient,
                phone=phone,
                language=d.recipient.language or settings.LANGUAGE_CODE,
                template=d.template,
                params={k: str(v) for k, v in d.params.items()},
                infant=d.infant,
                urgent=d.urgent,
                low_priority=d.low_priority and not d.urgent,
                dedupe_key=d.dedupe_key or f"once:{uuid.uuid4()}",
                status=status,
                reason=reason,
                not_before=now if d.urgent else quiet_until(now),
            )
        )
    # The unique dedupe key makes a repeated event a no-op; the rows are read back for ids.
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    written = {
        m.dedupe_key: m for m in Message.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows])
    }
    due = [
        m.pk for m in written.values() if m.status == Message.Status.PENDING and m.not_before <= now
    ]
    if due:
        _dispatch_on_commit(due)
    return [written[r.dedupe_key] for r in rows]


def message_enqueue(**draft) -> Message | None:
    """One message (see `messages_enqueue`); None when the recipient has no phone."""
    written = messages_enqueue([Draft(**draft)])
    return written[0] if written else None


def _dispatch_on_commit(message_ids: list[int]) -> None:
    from neocare.messaging.tasks import message_send_task

    publish_on_commit(message_send_task, message_ids, waiting="message(s)")


def _next_budget_day(instant: datetime) -> datetime:
    local = _local(instant)
    tomorrow = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return quiet_until(tomorrow)


def _render(message: Message) -> str:
    return render(message.template, message.params, message.language)


@transaction.atomic
def _prepare(message_id: int) -> tuple[Message, Outgoing] | None:
    """Inside the claim: budget, opt-out, merging. Returns what to send, or None."""
    message = Message.objects.select_for_update().get(pk=message_id)
    now = timezone.now()
    if PhoneOptOut.objects.filter(phone=message.phone).exists() and (
        message.template != "opt_out_confirmed"
    ):
        message.status, message.reason = Message.Status.SUPPRESSED, "opted_out"
        message.save(update_fields=["status", "reason", "updated_at"])
        return None
    day, _ = PhoneDay.objects.select_for_update().get_or_create(
        phone=message.phone, day=_local(now).date()
    )
    budget = settings.SMS_DAILY_BUDGET_PER_PHONE
    if not message.urgent and not _allowed_today(message, day, now):
        message.status, message.not_before = Message.Status.PENDING, _next_budget_day(now)
        message.save(update_fields=["status", "not_before", "updated_at"])
        return None
    if day.sent >= budget:
        logger.warning(
            "urgent message %s exceeds the daily budget of %s", message.pk, message.phone
        )
    text = _render(message)
    template_id, params = TEMPLATES[message.template].provider_id, message.params
    # Fold whatever else is due for this number into this message (two infants of one mother,
    # a reminder and a result): one text, one unit of the budget.
    # An article (low priority) always goes alone: never folded into a clinical text, which
    # says one thing, nor carrying one (SMS_EDUCATION_PER_DAY counts what it sends).
    others = []
    if not message.low_priority:
        others = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(
                phone=message.phone,
                status=Message.Status.PENDING,
                not_before__lte=now,
                urgent=False,
                low_priority=False,
            )
            .exclude(pk=message.pk)
            .order_by("created_at")
        )
    if others:
        texts = [text] + [_render(o) for o in others]
        text = "\n".join(texts)
        template_id, params = TEMPLATES["combined"].provider_id, {"parts": text}
        Message.objects.filter(pk__in=[o.pk for o in others]).update(
            status=Message.Status.MERGED, merged_into=message
        )
    day.sent += 1
    day.save(update_fields=["sent"])
    return message, Outgoing(str(message.public_id), message.phone, template_id, params, text)


def _allowed_today(message: Message, day: PhoneDay, now: datetime) -> bool:
    """Whether the number's daily budget lets this non-urgent message go today.

    Clinical messages leave SMS_URGENT_RESERVE for an urgent one later in the day. Education
    (low priority) also leaves SMS_EDUCATION_HEADROOM for clinical messages and goes at most
    SMS_EDUCATION_PER_DAY times a day: with the defaults (5, 1, 2, 1) an article goes only to a
    number that has had at most one message today, and three remain for the doctors' news.
    """
    allowed = settings.SMS_DAILY_BUDGET_PER_PHONE - settings.SMS_URGENT_RESERVE
    if not message.low_priority:
        return day.sent < allowed
    if day.sent >= allowed - settings.SMS_EDUCATION_HEADROOM:
        return False
    start = _local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    education_today = Message.objects.filter(
        phone=message.phone, low_priority=True, sent_at__gte=start
    ).count()
    return education_today < settings.SMS_EDUCATION_PER_DAY


def message_send(message_id: int) -> str | None:
    """Send one outbox message at most once. Returns the outcome, None if not this worker's."""
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=message_id, status=Message.Status.PENDING, not_before__lte=now
    ).update(status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    prepared = _prepare(message_id)
    if prepared is None:
        return None
    message, outgoing = prepared
    result = gateway().send(outgoing)  # outside any transaction
    return _record(message, result)


def _record(message: Message, result) -> str:
    message.refresh_from_db()
    if result.outcome == SENT:
        message.status, message.sent_at = Message.Status.SENT, timezone.now()
        message.provider_message_id = result.provider_message_id
    elif result.outcome == RETRY and message.attempts < settings.SMS_MAX_ATTEMPTS:
        # Back to the queue; the task retries with backoff (the key makes a repeat harmless).
        message.status = Message.Status.PENDING
    elif result.outcome in (RETRY, UNKNOWN):
        message.status, message.reason = Message.Status.UNKNOWN, "gave_up_retrying"
    else:  # FAILED
        message.status, message.reason = Message.Status.FAILED, "rejected"
    message.last_error = result.error
    if message.status != Message.Status.PENDING and message.template in SECRET_TEMPLATES:
        message.params = {name: "••••••" for name in message.params}  # a code is not kept
    message.save()
    if message.status != Message.Status.PENDING:
        message.merged.update(sent_at=message.sent_at)
    return {
        Message.Status.PENDING: RETRY,
        Message.Status.SENT: SENT,
        Message.Status.UNKNOWN: UNKNOWN,
        Message.Status.FAILED: FAILED,
    }[message.status]


def messages_sweep(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Re-dispatch messages that are due but were never sent (broker down, quiet hours over,
    budget renewed) and recover those stuck mid-send by a crashed worker."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.SMS_STUCK_AFTER_SECONDS)
    stuck = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=stuck_before)
    if gateway().honours_idempotency_key:
        # The gateway drops a repeat of the same key: sending again cannot send twice.
        stuck.update(status=Message.Status.PENDING)
    else:
        stuck.update(status=Message.Status.UNKNOWN, reason="worker_lost_mid_send")
    due = list(
        Message.objects.filter(status=Message.Status.PENDING, not_before__lte=now)
        .order_by("-urgent", "low_priority", "not_before")
        .values_list("pk", flat=True)[:batch]
    )
    from neocare.messaging.tasks import message_send_task

    for pk in due:
        message_send_task.delay(pk)
    return len(due)


@transaction.atomic
def delivery_receipt(*, key: str, delivered: bool, error: str = "") -> Message | None:
    message = Message.objects.select_for_update().filter(public_id=key).first()
    if message is None:
        return None
    if message.status in (Message.Status.SENT, Message.Status.UNKNOWN, Message.Status.SENDING):
        message.status = Message.Status.DELIVERED if delivered else Message.Status.FAILED
        message.last_error = error
        if message.sent_at is None and delivered:
            message.sent_at = timezone.now()
        message.save()
    return message


@transaction.atomic
def inbound_reply(*, phone: str, text: str) -> bool:
    """An inbound SMS. "TD"/"STOP" opts the number out (and is confirmed). True if opted out."""
    keyword = text.strip().upper()
    if keyword not in OPT_OUT_KEYWORDS:
        return False
    _, created = PhoneOptOut.objects.get_or_create(phone=phone, defaults={"keyword": keyword})
    Message.objects.filter(phone=phone, status=Message.Status.PENDING).exclude(
        template="opt_out_confirmed"
    ).update(status=Message.Status.SUPPRESSED, reason="opted_out")
    user = User.objects.filter(phone_number=phone).first()
    if created and user is not None:
        message_enqueue(
            recipient=user,
            template="opt_out_confirmed",
            params={},
            urgent=True,
            dedupe_key=f"optout:{phone}",
        )
    return True
