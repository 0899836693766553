"""The care network: region → district → facility, and the people who work in it or use it."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Region(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        constraints = [
            # Admin and demo data rely on a district name being unique within its region.
            models.UniqueConstraint(
                fields=["region", "name"], name="district_unique_name_in_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    class Tier(models.TextChoices):
        COMMUNITY_CENTRE = "community_centre", _("community health centre")
        DISTRICT_CENTRE = "district_centre", _("district maternal and child health centre")
        TERTIARY_HOSPITAL = "tertiary_hospital", _("tertiary hospital")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="facilities")
    tier = models.CharField(_("tier"), max_length=32, choices=Tier.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    # WGS84 degrees; used to pick the nearest tertiary hospital for a referral.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    # Daily opening hours (local time). Empty: open day and night — except a community centre,
    # which keeps settings.COMMUNITY_CENTRE_HOURS until its own are recorded
    # (neocare.network.places: no text sends a family to a closed door).
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)

    class Meta:
        verbose_name_plural = "facilities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="facility_location_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Catchment(models.Model):
    """A street (街道) or town (镇) a community health centre serves: a delivering hospital that
    names no centre has the newborn registered where the family's address says (fhir.births).
    A street belongs to one centre in its district."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="catchments", verbose_name=_("district")
    )
    street = models.CharField(_("street or town"), max_length=100)
    centre = models.ForeignKey(
        Facility,
        on_delete=models.CASCADE,
        related_name="catchments",
        verbose_name=_("community health centre"),
    )

    class Meta:
        verbose_name = _("street served")
        verbose_name_plural = _("streets served")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "street"], name="catchment_street_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.street}"

    def clean(self):
        if self.centre_id and self.centre.tier != Facility.Tier.COMMUNITY_CENTRE:
            raise ValidationError({"centre": _("Choose a community health centre.")})
        if self.centre_id and self.district_id and self.centre.district_id != self.district_id:
            raise ValidationError({"centre": _("The centre is in another district.")})


class User(AbstractUser):
    """One account, one role. Staff are attached where their role needs them to be."""

    class Role(models.TextChoices):
        GUARDIAN = "guardian", _("parent or guardian")
        COMMUNITY_DOCTOR = "community_doctor", _("community doctor")
        DISTRICT_DOCTOR = "district_doctor", _("district doctor")
        PAEDIATRICIAN = "paediatrician", _("paediatrician")
        HEALTH_ADMIN = "health_admin", _("health administrator")
        # A hospital's information system (issue #16): the service account of an OAuth client
        # (neocare.fhir.models.SystemClient), attached to its facility; it never signs in.
        HOSPITAL_SYSTEM = "hospital_system", _("hospital system")

    # Which facility tier each clinical role must be attached to.
    ROLE_FACILITY_TIER = {
        Role.COMMUNITY_DOCTOR: Facility.Tier.COMMUNITY_CENTRE,
        Role.DISTRICT_DOCTOR: Facility.Tier.DISTRICT_CENTRE,
        Role.PAEDIATRICIAN: Facility.Tier.TERTIARY_HOSPITAL,
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="administrators"
    )
    # E.164; required for guardians (messages reach them by SMS), optional for staff.
    phone_number = PhoneNumberField(_("phone number"), blank=True, null=True, unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )
    # The bilirubin unit the console shows first (the other in small print). Blank: by the
    # page's language — µmol/L in Chinese (China's hospitals and meters), mg/dL in English.
    display_unit = models.CharField(
        _("bilirubin unit shown"),
        max_length=8,
        choices=[("umol/L", "µmol/L"), ("mg/dL", "mg/dL")],
        blank=True,
        default="",
    )

    class Meta:
        constraints = [
            # Scoping (neocare/infants/selectors.py) trusts these attachments; keep them whole.
            models.CheckConstraint(
                condition=(
                    # A guardian has a number, unless erased on request (inactive, anonymous).
                    models.Q(role="guardian", facility__isnull=True, region__isnull=True)
                    & (models.Q(phone_number__isnull=False) | models.Q(is_active=False))
                    | models.Q(
                        role__in=[
                            "community_doctor",
                            "district_doctor",
                            "paediatrician",
                            "hospital_system",
                        ],
                        facility__isnull=False,
                        region__isnull=True,
                    )
                    | models.Q(role="health_admin", facility__isnull=True, region__isnull=False)
                    # Django superusers for the admin site have no programme role.
                    | models.Q(
                        role="", is_superuser=True, facility__isnull=True, region__isnull=True
                    )
                ),
                name="user_role_attachment",
            )
        ]

    def clean(self) -> None:
        super().clean()
        tier = self.ROLE_FACILITY_TIER.get(self.role)
        if tier and self.facility_id and self.facility.tier != tier:
            raise ValidationError(
                {
                    "facility": _("A %(role)s must be attached to a %(tier)s.")
                    % {"role": self.get_role_display(), "tier": Facility.Tier(tier).label}
                }
            )

    @property
    def is_clinician(self) -> bool:
        return self.role in self.ROLE_FACILITY_TIER


class SignInCode(models.Model):
    """A one-time code sent by SMS to sign a parent in (issue #15). Only its keyed hash is kept;
    it is good for SIGN_IN_CODE_TTL_MINUTES and SIGN_IN_CODE_MAX_ATTEMPTS tries, once."""

    phone = models.CharField(max_length=20, db_index=True)  # E.164, enrolled or not
    code_hash = models.CharField(max_length=64)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in code for {self.phone} ({self.created_at:%Y-%m-%d %H:%M})"
