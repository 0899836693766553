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
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from neocare.messaging.gateways import FAILED, RETRY, SENT, UNKNOWN, Outgoing, gateway
from neocare.messaging.models import Message, PhoneDay, PhoneOptOut
from neocare.messaging.templates import TEMPLATES, render
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


def _consent_withdrawn(recipient: User, infant) -> bool:
    if infant is None or recipient.role != User.Role.GUARDIAN:
        return False
    link = infant.guardianships.filter(guardian=recipient).first()
    return link is None or not link.consent_active


def message_enqueue(
    *,
    recipient: User,
    template: str,
    params: dict,
    infant=None,
    urgent: bool = False,
    dedupe_key: str | None = None,
) -> Message | None:
    """Write one message to the outbox (in the caller's transaction). None without a phone."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template}")
    if not recipient.phone_number:
        return None
    phone = str(recipient.phone_number)
    now = timezone.now()
    status, reason = Message.Status.PENDING, ""
    if template != "opt_out_confirmed" and PhoneOptOut.objects.filter(phone=phone).exists():
        status, reason = Message.Status.SUPPRESSED, "opted_out"
    elif _consent_withdrawn(recipient, infant):
        status, reason = Message.Status.SUPPRESSED, "consent_withdrawn"
    try:
        with transaction.atomic():
            message = Message.objects.create(
                recipient=recipient,
                phone=phone,
                language=recipient.language or settings.LANGUAGE_CODE,
                template=template,
                params={k: str(v) for k, v in params.items()},
                infant=infant,
                urgent=urgent,
                dedupe_key=dedupe_key,
                status=status,
                reason=reason,
                not_before=now if urgent else quiet_until(now),
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return Message.objects.get(dedupe_key=dedupe_key)  # this event already wrote it
    if status == Message.Status.PENDING and message.not_before <= now:
        _dispatch_on_commit(message.pk)
    return message


def _dispatch_on_commit(message_id: int) -> None:
    from neocare.messaging.tasks import message_send_task

    def publish():
        try:
            message_send_task.delay(message_id)
        except Exception:  # broker down: the row waits in the outbox for the sweeper
            logger.warning("broker unavailable; message %s waits for the sweeper", message_id)

    transaction.on_commit(publish)


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
    day, _ = PhoneDay.objects.get_or_create(phone=message.phone, day=_local(now).date())
    day = PhoneDay.objects.select_for_update().get(pk=day.pk)
    budget = settings.SMS_DAILY_BUDGET_PER_PHONE
    # Non-urgent messages leave room for an urgent one later in the day.
    allowed = budget if message.urgent else budget - settings.SMS_URGENT_RESERVE
    if day.sent >= allowed and not message.urgent:
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
    others = list(
        Message.objects.select_for_update(skip_locked=True)
        .filter(
            phone=message.phone,
            status=Message.Status.PENDING,
            not_before__lte=now,
            urgent=False,
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
        .order_by("-urgent", "not_before")
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
