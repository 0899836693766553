"""Infants, their guardians and consent, and what is measured or observed about them."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from neocare.network.models import Facility
from risk_model.guideline import REPORTED_SIGNS
from risk_model.guideline import Action as GuidelineAction
from risk_model.units import Unit, to_mg_dl


class ActionLevel(models.IntegerChoices):
    """The guideline's action scale (`risk_model.guideline.Action`), spelled once for Django:
    alerts, messages and the console compare these members, never literal levels."""

    ROUTINE = GuidelineAction.ROUTINE, _("routine follow-up")
    REPEAT_SOONER = GuidelineAction.REPEAT_SOONER, _("repeat measurement sooner")
    DOCTOR_REVIEW = GuidelineAction.DOCTOR_REVIEW, _("community doctor review today")
    URGENT_REFERRAL = GuidelineAction.URGENT_REFERRAL, _("urgent hospital referral")
    EMERGENCY = GuidelineAction.EMERGENCY, _("emergency")

    @property
    def code(self) -> str:
        return GuidelineAction(self.value).code

    @classmethod
    def code_choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs for the columns that store the code ("doctor_review")."""
        return [(level.code, level.label) for level in cls]

    @classmethod
    def from_code(cls, code: str) -> "ActionLevel":
        return cls[code.upper()]


class NeurotoxicityRiskFactor(models.TextChoices):
    """AAP 2022: any of these selects the "with neurotoxicity risk" threshold curves.

    Gestational age < 38 weeks is also one, but it is built into the curves already.
    """

    ALBUMIN_BELOW_3 = "albumin_below_3", _("albumin < 3.0 g/dL")
    ISOIMMUNE_HAEMOLYSIS = "isoimmune_haemolysis", _("isoimmune haemolytic disease (positive DAT)")
    G6PD_DEFICIENCY = "g6pd_deficiency", _("G6PD deficiency")
    OTHER_HAEMOLYSIS = "other_haemolysis", _("other haemolytic condition")
    SEPSIS = "sepsis", _("sepsis")
    CLINICAL_INSTABILITY = "clinical_instability", _("significant clinical instability in 24 h")


class HyperbilirubinemiaRiskFactor(models.TextChoices):
    """AAP 2022: risk of developing significant hyperbilirubinaemia (monitoring intensity)."""

    JAUNDICE_FIRST_24H = "jaundice_first_24h", _("jaundice in the first 24 hours")
    PREDISCHARGE_NEAR_THRESHOLD = (
        "predischarge_near_threshold",
        _("pre-discharge value close to the phototherapy threshold"),
    )
    HAEMOLYSIS = "haemolysis", _("haemolysis, known or suspected")
    PHOTOTHERAPY_BEFORE_DISCHARGE = (
        "phototherapy_before_discharge",
        _("phototherapy before discharge"),
    )
    FAMILY_PHOTOTHERAPY = (
        "family_phototherapy",
        _("parent or sibling needed phototherapy or exchange transfusion"),
    )
    INHERITED_RBC_DISORDER = (
        "inherited_rbc_disorder",
        _("family history or ancestry of an inherited red-cell disorder (e.g. G6PD deficiency)"),
    )
    SUBOPTIMAL_BREASTFEEDING = (
        "suboptimal_breastfeeding",
        _("exclusive breastfeeding with suboptimal intake"),
    )
    SCALP_HAEMATOMA_BRUISING = (
        "scalp_haematoma_bruising",
        _("scalp haematoma or significant bruising"),
    )
    DOWN_SYNDROME = "down_syndrome", _("Down syndrome")
    MACROSOMIC_IDM = "macrosomic_idm", _("macrosomic infant of a diabetic mother")


class FollowUpStatus(models.TextChoices):
    """Where the infant's follow-up stands, set by clinicians and hospital systems. The first
    four go on with everything; the last four end what is automatic (reminders, articles, texts
    to the family) and close the plan's requests and open alerts with the reason."""

    ACTIVE = "active", _("active")
    IN_HOSPITAL = "in_hospital", _("in hospital")
    UNDER_PHOTOTHERAPY = "under_phototherapy", _("under phototherapy")
    BACK_HOME = "back_home", _("back home after hospital")
    COMPLETED = "completed", _("follow-up completed")
    MOVED = "moved", _("moved or transferred")
    DIED = "died", _("died")
    DECLINED = "declined", _("declined follow-up")


# Follow-up that has ended: nothing automatic goes to the family any more ("died" says nothing).
FOLLOW_UP_ENDED = frozenset(
    {
        FollowUpStatus.COMPLETED,
        FollowUpStatus.MOVED,
        FollowUpStatus.DIED,
        FollowUpStatus.DECLINED,
    }
)


class Infant(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        UNDETERMINED = "undetermined", _("undetermined")

    class Feeding(models.TextChoices):
        EXCLUSIVE_BREASTFEEDING = "exclusive_breastfeeding", _("exclusive breastfeeding")
        MIXED = "mixed", _("mixed")
        FORMULA = "formula", _("formula")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices)
    birth_at = models.DateTimeField(_("born at"))
    gestational_age_weeks = models.PositiveSmallIntegerField(_("gestational age, completed weeks"))
    gestational_age_days = models.PositiveSmallIntegerField(_("gestational age, extra days"))
    birth_weight_g = models.PositiveIntegerField(_("birth weight (g)"))
    delivering_hospital = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="delivered_infants", null=True, blank=True
    )
    # Scoping of community and district doctors hangs on this (neocare/infants/selectors.py).
    registered_centre = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="registered_infants"
    )
    discharged_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    # The delivering hospital's own record number ("system|value"), from its handover bundle
    # (issue #16): the key that makes a resent bundle update, never duplicate.
    hospital_record_number = models.CharField(
        _("hospital record number"), max_length=200, blank=True, default=""
    )
    feeding = models.CharField(_("feeding"), max_length=32, choices=Feeding.choices)
    # Lists of NeurotoxicityRiskFactor values. NULL means "not assessed", which the guideline
    # engine must treat differently from an empty list ("assessed, none present").
    neurotoxicity_risk_factors = models.JSONField(null=True, blank=True)
    # List of HyperbilirubinemiaRiskFactor values.
    hyperbilirubinemia_risk_factors = models.JSONField(default=list, blank=True)
    follow_up_status = models.CharField(
        _("follow-up status"),
        max_length=24,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.ACTIVE,
    )
    guardians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Guardianship", related_name="infants"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gestational_age_days__lte=6), name="infant_ga_days_0_to_6"
            ),
            models.CheckConstraint(
                condition=models.Q(gestational_age_weeks__gte=22, gestational_age_weeks__lte=44),
                name="infant_ga_weeks_22_to_44",
            ),
            # One infant per hospital record number (two racing handovers cannot make two).
            models.UniqueConstraint(
                fields=["delivering_hospital", "hospital_record_number"],
                condition=~models.Q(hospital_record_number=""),
                name="infant_one_per_hospital_record",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def gestational_age(self) -> str:
        return f"{self.gestational_age_weeks}+{self.gestational_age_days}"

    def age_hours_at(self, instant: datetime) -> float:
        """Age in hours at an aware `instant`: the hour every guideline table is indexed by."""
        return (instant - self.birth_at).total_seconds() / 3600

    @property
    def follow_up_ended(self) -> bool:
        return self.follow_up_status in FOLLOW_UP_ENDED


class ConsentText(models.Model):
    """The programme's consent text, versioned: what a parent agreed to is the version recorded
    on their guardianship, never "whatever the text says today". A new wording is a new row."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"))
    in_force_from = models.DateTimeField(_("in force from"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-in_force_from"]

    def __str__(self) -> str:
        return f"consent text {self.version}"

    @classmethod
    def current(cls) -> "ConsentText | None":
        from django.utils import timezone

        return cls.objects.filter(in_force_from__lte=timezone.now()).first()

    def text(self, language: str) -> str:
        return self.text_en if language.startswith("en") else self.text_zh


class Guardianship(models.Model):
    """A guardian's link to an infant, with their consent to the programme."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        OTHER = "other", _("other guardian")

    # Not indexed alone: guardianship_unique (infant first) serves every lookup by infant (the
    # scale test found the separate index 21 MB at 1,000,000 infants).
    infant = models.ForeignKey(
        Infant, on_delete=models.CASCADE, related_name="guardianships", db_index=False
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guardianships"
    )
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    # The text the parent agreed to (null: linked before consent texts were versioned).
    consent_text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            # Linking a guardian twice must be a no-op, not a second row (guardian_link service).
            models.UniqueConstraint(fields=["infant", "guardian"], name="guardianship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.infant}"

    @property
    def consent_active(self) -> bool:
        return self.consent_withdrawn_at is None


class Channel(models.TextChoices):
    APP = "app", _("parents' app")
    CLINICIAN = "clinician", _("clinician")
    SYNC = "sync", _("offline batch sync")
    HOSPITAL_SYSTEM = "hospital_system", _("hospital system (FHIR)")


class NeedsConfirmation(models.TextChoices):
    """Why a reading needs confirming (risk_model.guideline.plausibility)."""

    UNIT_SUSPECT = "unit_suspect", _("the unit looks wrong (the number looks like mg/dL)")
    IMPLAUSIBLE_FALL = "implausible_fall", _("fell faster than possible since the last value")
    IMPLAUSIBLE_RISE = "implausible_rise", _("rose faster than possible since the last value")


class Reading(models.Model):
    class Method(models.TextChoices):
        TCB_HOME = "tcb_home", _("transcutaneous, home meter")
        TCB_CLINIC = "tcb_clinic", _("transcutaneous, at a clinic")
        TSB_LAB = "tsb_lab", _("total serum bilirubin, laboratory")
        VISUAL = "visual", _("visual estimate")

    class UnitSent(models.TextChoices):
        UMOL_L = Unit.UMOL_L.value, "µmol/L"
        MG_DL = Unit.MG_DL.value, "mg/dL"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Not indexed alone: reading_infant_time (infant first) serves every lookup by infant, and
    # reading_unique_client_key (entered_by first) those by author — one B-tree fewer to update
    # per reading each (the scale test found both 90 MB at 10,000,000 readings).
    infant = models.ForeignKey(
        Infant, on_delete=models.PROTECT, related_name="readings", db_index=False
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    # What the client sent, kept verbatim, and the canonical value every rule uses.
    value_as_sent = models.DecimalField(max_digits=7, decimal_places=2)
    unit_as_sent = models.CharField(max_length=8, choices=UnitSent.choices)
    value_umol_l = models.FloatField()
    measured_at = models.DateTimeField(_("measured at"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    device_id = models.CharField(_("device identifier"), max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=64)
    # The guideline engine's plausibility verdict when the reading arrived (blank: plausible).
    # A doubtful value is kept and shown, but lowers nothing until a measurement confirms it.
    needs_confirmation = models.CharField(
        max_length=24, choices=NeedsConfirmation.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Idempotency: a retried or raced upload finds the original (reading_record service).
            models.UniqueConstraint(
                fields=["entered_by", "idempotency_key"], name="reading_unique_client_key"
            ),
            models.CheckConstraint(
                condition=models.Q(value_umol_l__gte=0), name="reading_value_not_negative"
            ),
        ]
        indexes = [
            # An infant's readings in time order: history, chart, rate of rise.
            models.Index(fields=["infant", "measured_at"], name="reading_infant_time"),
        ]

    def __str__(self) -> str:
        return f"{self.value_as_sent} {self.unit_as_sent} at {self.measured_at:%Y-%m-%d %H:%M}"


# Stool colour cards (Taiwan's infant stool colour card, used by China's screening programmes):
# six photographs; numbers 1–3 are the pale, abnormal stools that suggest biliary atresia.
# The card's own definition, kept with its name so a second card can be added beside it.
STOOL_CARD_NUMBERS = range(1, 7)
STOOL_CARD_PALE_NUMBERS = frozenset({1, 2, 3})


# The yes/no reports an Observation may carry: every danger sign (DOMAIN.md's and the
# programme's, risk_model.guideline.REPORTED_SIGNS) and dark urine.
OBSERVED_SIGNS = (*REPORTED_SIGNS, "dark_urine")


class Observation(models.Model):
    """What a parent notices between readings. Each field is optional; at least one is given."""

    class StoolColour(models.TextChoices):
        PALE = "pale", _("pale (white, clay or pale yellow)")
        NORMAL = "normal", _("normal (yellow, green or brown)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="observations")
    observed_at = models.DateTimeField(_("observed at"))
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    feeds_per_day = models.PositiveSmallIntegerField(_("feeds per day"), null=True, blank=True)
    stool_card_number = models.PositiveSmallIntegerField(
        _("stool colour card number"), null=True, blank=True
    )
    # Given directly, or derived from the stool card number by the card's own definition.
    stool_colour = models.CharField(max_length=8, choices=StoolColour.choices, blank=True)
    poor_feeding = models.BooleanField(_("poor feeding"), null=True, blank=True)
    lethargy = models.BooleanField(_("lethargy, hard to wake"), null=True, blank=True)
    high_pitched_cry = models.BooleanField(_("high-pitched cry"), null=True, blank=True)
    arching = models.BooleanField(_("arching of neck or back"), null=True, blank=True)
    # Not in DOMAIN.md's list; an emergency by programme policy (emergency_signs_beyond_guideline).
    seizures = models.BooleanField(_("seizures (fits)"), null=True, blank=True)
    blue_colour = models.BooleanField(_("blue skin or lips"), null=True, blank=True)
    dark_urine = models.BooleanField(_("dark urine (like strong tea)"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Idempotency: a retried upload finds the original (observation_record service).
            models.UniqueConstraint(
                fields=["entered_by", "idempotency_key"], name="observation_unique_client_key"
            ),
        ]
        indexes = [models.Index(fields=["infant", "observed_at"], name="observation_infant_time")]

    def __str__(self) -> str:
        return f"observation at {self.observed_at:%Y-%m-%d %H:%M}"


class BreakGlassAccess(models.Model):
    """A paediatrician's time-limited access to an infant outside their scope, with a reason."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    paediatrician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            # infants_visible_to() looks up a paediatrician's live grants on every request.
            models.Index(fields=["paediatrician", "expires_at"], name="breakglass_live"),
        ]

    def __str__(self) -> str:
        return f"{self.paediatrician} → {self.infant} until {self.expires_at:%Y-%m-%d %H:%M}"


# The newest assessment by the moment it was about (ties: the one made last): what counts now.
LATEST_FIRST = ("-basis_at", "-id")


class Assessment(models.Model):
    """What the guideline engine said at one moment, kept as history.

    One per reading, one per observation (a parent's report of lethargy or pale stools
    changes the advice without a new reading) and one per usable skin photo. Stored whole,
    with the guideline version, so the record shows what the system said at the time even
    after the engine changes.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Not indexed alone: assessment_latest (infant first) serves every lookup by infant.
    infant = models.ForeignKey(
        Infant, on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    reading = models.OneToOneField(
        Reading, on_delete=models.PROTECT, null=True, blank=True, related_name="assessment"
    )
    observation = models.OneToOneField(
        Observation, on_delete=models.PROTECT, null=True, blank=True, related_name="assessment"
    )
    # A usable skin photo's estimate (issue #6), assessed with the latest reading before it.
    photo = models.OneToOneField(
        "photos.Photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment",
    )
    # A course of phototherapy that started or stopped (issue #12: rebound follow-up).
    phototherapy = models.ForeignKey(
        "Phototherapy", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    # The instant assessed: the reading's measured_at, the observation's observed_at, the
    # photo's taken_at, or when phototherapy started or stopped.
    basis_at = models.DateTimeField()
    action = models.CharField(max_length=16, choices=ActionLevel.code_choices())
    # ActionLevel, 1 (routine) … 5 (emergency): lets triage order by urgency in SQL.
    action_level = models.PositiveSmallIntegerField(choices=ActionLevel.choices)
    # When the next measurement is due, if the guideline names a time; reminders use it.
    next_measurement_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField()
    guideline_version = models.CharField(max_length=64)
    # The risk model's probability of reaching the phototherapy threshold within 72 h, and the
    # model that said so (also inside `result`); columns so triage and retraining can query them.
    # Null when the model did not score this reading (not applicable or unavailable).
    risk_probability = models.FloatField(null=True, blank=True)
    risk_model_version = models.CharField(max_length=80, blank=True)
    # A re-assessment with no new record: the clinician whose decision prompted it (a request of
    # the follow-up plan closed). No index: read only with the assessment.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    reading__isnull=False,
                    observation__isnull=True,
                    photo__isnull=True,
                    phototherapy__isnull=True,
                )
                | models.Q(
                    reading__isnull=True,
                    observation__isnull=False,
                    photo__isnull=True,
                    phototherapy__isnull=True,
                )
                | models.Q(
                    reading__isnull=True,
                    observation__isnull=True,
                    photo__isnull=False,
                    phototherapy__isnull=True,
                )
                | models.Q(
                    reading__isnull=True,
                    observation__isnull=True,
                    photo__isnull=True,
                    phototherapy__isnull=False,
                )
                | models.Q(
                    reading__isnull=True,
                    observation__isnull=True,
                    photo__isnull=True,
                    phototherapy__isnull=True,
                    decided_by__isnull=False,
                ),
                name="assessment_has_one_basis",
            )
        ]
        indexes = [
            # The latest assessment of an infant (GET …/assessment, triage lists).
            models.Index(fields=["infant", "-basis_at", "-id"], name="assessment_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.action} at {self.basis_at:%Y-%m-%d %H:%M}"

    @property
    def level(self) -> ActionLevel:
        return ActionLevel(self.action_level)


class Phototherapy(models.Model):
    """A course of phototherapy, recorded by the treating hospital's paediatricians (on the
    referral or on the record). Its end switches the infant to post-treatment follow-up."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="phototherapy")
    referral = models.ForeignKey(
        "alerts.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("phototherapy started at"))
    stopped_at = models.DateTimeField(_("phototherapy stopped at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stopped_at__isnull=True)
                | models.Q(stopped_at__gte=models.F("started_at")),
                name="phototherapy_stops_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"phototherapy of {self.infant} from {self.started_at:%Y-%m-%d %H:%M}"


class ClinicianThreshold(models.Model):
    """Thresholds a paediatrician or district doctor set for an infant the guideline does not
    cover (below 35 weeks, gestational age unknown). The latest one is used; each is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    infant = models.ForeignKey(
        Infant, on_delete=models.PROTECT, related_name="clinician_thresholds"
    )
    unit_as_sent = models.CharField(max_length=8, choices=Reading.UnitSent.choices)
    phototherapy_as_sent = models.DecimalField(max_digits=7, decimal_places=2)
    exchange_as_sent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exchange_as_sent__isnull=True)
                | models.Q(exchange_as_sent__gt=models.F("phototherapy_as_sent")),
                name="clinician_threshold_exchange_above_phototherapy",
            ),
        ]
        indexes = [models.Index(fields=["infant", "-set_at"], name="clinician_threshold_latest")]

    def __str__(self) -> str:
        return f"thresholds for {self.infant} by {self.set_by}"

    @property
    def phototherapy_mg_dl(self) -> float:
        return to_mg_dl(self.phototherapy_as_sent, self.unit_as_sent)

    @property
    def exchange_mg_dl(self) -> float | None:
        if self.exchange_as_sent is None:
            return None
        return to_mg_dl(self.exchange_as_sent, self.unit_as_sent)
