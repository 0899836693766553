"""Small helpers shared by tests: posting a reading, the usual term infant, racing threads."""

import threading
from datetime import timedelta

from django.db import connection
from django.utils import timezone


def post_reading(client, infant, *, value, key, age_hours=48, unit="mg/dL", method="tsb_lab"):
    """POST one reading measured `age_hours` after the infant's birth."""
    return client.post(
        f"/api/v1/infants/{infant.public_id}/readings/",
        {
            "method": method,
            "value": value,
            "unit": unit,
            "idempotency_key": key,
            "measured_at": (infant.birth_at + timedelta(hours=age_hours)).isoformat(),
        },
        format="json",
    )


def quiet_now(settings) -> None:
    """Quiet hours around this very hour, whatever the clock says when the test runs."""
    hour = timezone.localtime().hour
    settings.SMS_QUIET_HOURS = (hour, (hour + 1) % 24)


def make_term_infant_born_50h_ago(infant):
    """38+0 weeks, no neurotoxicity risk factor, born 50 h ago. AAP 2022 at 48 h (38 weeks,
    no risk): phototherapy 16.0, exchange 24.0 (escalation 22.0) mg/dL."""
    infant.birth_at = timezone.now().replace(microsecond=0) - timedelta(hours=50)
    infant.gestational_age_weeks, infant.gestational_age_days = 38, 0
    infant.neurotoxicity_risk_factors = []
    infant.save()
    return infant


def at_once(call, copies: int = 4) -> list:
    """Run `call` in `copies` threads released together (each with its own connection).

    Returns every result; if any copy raised, the first error is raised here, after all joined.
    """
    results, errors, barrier = [], [], threading.Barrier(copies)

    def run():
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # re-raised below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def browser_for(user, language="en"):
    """A Django test client signed in as `user` (a console session), asking for English (or
    `language`) — past
    the second factor for the accounts that need one (tests/network/test_two_factor.py covers
    the step itself)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from neocare.network.two_factor import needs_second_factor

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    if needs_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()
    return client


def verified_device(user):
    """A confirmed authenticator for `user` (what enrolment leaves)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})[0]


def totp_now(device) -> str:
    """The code the authenticator app shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"
