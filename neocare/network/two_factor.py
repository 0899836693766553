"""Two-factor sign-in (TOTP, django-otp) for the accounts that can see many records: district
doctors, paediatricians, health administrators and superusers (TWO_FACTOR_ROLES). A phone
authenticator app gives the code; ten single-use recovery codes stand in for a lost phone."""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def needs_second_factor(user) -> bool:
    return bool(user.is_authenticated) and (
        user.is_superuser or user.role in settings.TWO_FACTOR_ROLES
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The authenticator being set up (one at a time), created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="NeoCare", confirmed=False)


def verify(user, code: str):
    """The device that accepts this code (TOTP, or a recovery code, used up), or None."""
    code = (code or "").replace(" ", "")
    return match_token(user, code) if code else None


@transaction.atomic
def enrolment_confirm(user, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the authenticator being set up with a code from it; then make the recovery
    codes (shown once). None if the code is wrong."""
    device = enrolment_device(user)
    if not device.verify_token((code or "").replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static, _ = StaticDevice.objects.get_or_create(user=user, name="recovery codes")
    static.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return device, codes
