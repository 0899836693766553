"""Parents sign in with their phone number and a one-time code sent by SMS (issue #15).

- A code is six digits from `secrets`, kept only as an HMAC keyed by SECRET_KEY, good for
  SIGN_IN_CODE_TTL_MINUTES and SIGN_IN_CODE_MAX_ATTEMPTS tries, and used once; a new request
  replaces the number's earlier code.
- Requests are limited per number and per client address (SIGN_IN_CODES_PER_NUMBER_PER_HOUR,
  SIGN_IN_CODES_PER_ADDRESS_PER_HOUR, counted here for the API and the parents' page alike; the
  API's `sign_in_code` throttle as well).
- Answers never say whether a number is enrolled: every request gets the same reply, only an
  enrolled guardian's number gets a code (the "auth" SMS: urgent, so quiet hours do not hold
  it, but it counts against the number's daily budget like any message), and a wrong code, an
  unknown number and an expired code fail alike.
"""

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from neocare.messaging.services import Draft, messages_enqueue
from neocare.network.models import SignInCode, User


def _digest(phone: str, code: str) -> str:
    return salted_hmac("neocare.sign-in-code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _serialised(*keys: str) -> None:
    """Inside a transaction: wait for any other request counting the same keys (a number, an
    address), so that the limits hold under parallel requests. PostgreSQL advisory locks,
    released at commit; SQLite (development) serialises writes itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):  # one order everywhere: no deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"sign-in:{key}"])


def code_request(phone: str, *, client_address: str | None = None) -> bool:
    """Send a code to `phone` if a guardian is enrolled with it. Returns False when the number
    or the address asked too often (the caller answers 429); True otherwise, enrolled or not."""
    guardian = User.objects.filter(
        role=User.Role.GUARDIAN, phone_number=phone, is_active=True
    ).first()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        _serialised(phone, *([client_address] if client_address else []))
        now = timezone.now()
        hour = SignInCode.objects.filter(created_at__gte=now - timedelta(hours=1))
        if hour.filter(phone=phone).count() >= settings.SIGN_IN_CODES_PER_NUMBER_PER_HOUR:
            return False
        # Per client address too, whichever door was used (the API also throttles it).
        if client_address and (
            hour.filter(client_address=client_address).count()
            >= settings.SIGN_IN_CODES_PER_ADDRESS_PER_HOUR
        ):
            return False
        # Counted for unknown numbers too: the limit must not tell them apart.
        SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
        record = SignInCode.objects.create(
            phone=phone,
            code_hash=_digest(phone, code) if guardian else "",
            client_address=client_address,
            expires_at=now + timedelta(minutes=settings.SIGN_IN_CODE_TTL_MINUTES),
        )
        if guardian is not None:
            messages_enqueue(
                [
                    Draft(
                        recipient=guardian,
                        template="auth",
                        params={
                            "code": code,
                            "minutes": settings.SIGN_IN_CODE_TTL_MINUTES,
                        },
                        urgent=True,
                        dedupe_key=f"sign-in-code:{record.pk}",
                    )
                ]
            )
    return True


def code_verify(phone: str, code: str) -> User | None:
    """The guardian whose number this is, if `code` is its current code; else None (and the
    try is counted)."""
    now = timezone.now()
    with transaction.atomic():
        record = (
            SignInCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if record is None or record.attempts >= settings.SIGN_IN_CODE_MAX_ATTEMPTS:
            return None
        record.attempts += 1
        right = bool(record.code_hash) and hmac.compare_digest(
            record.code_hash, _digest(phone, code)
        )
        if right:
            record.used_at = now
        record.save(update_fields=["attempts", "used_at"])
    if not right:
        return None
    return User.objects.filter(role=User.Role.GUARDIAN, phone_number=phone, is_active=True).first()
