"""Shape and unit checks for the infants API. Business rules live in services.py."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from neocare.api import AwareDateTimeField, StrictModelSerializer, StrictSerializer
from neocare.infants.models import (
    STOOL_CARD_NUMBERS,
    ActionLevel,
    Assessment,
    ClinicianThreshold,
    ConsentText,
    FollowUpStatus,
    Guardianship,
    HyperbilirubinemiaRiskFactor,
    Infant,
    NeedsConfirmation,
    NeurotoxicityRiskFactor,
    Observation,
    Phototherapy,
    Reading,
)
from neocare.network.models import Facility
from risk_model.units import UMOL_L_PER_MG_DL, Unit, to_umol_l

CLIENT_KEY = {"max_length": 64, "min_length": 8, "regex": r"^[A-Za-z0-9_\-]+$"}


class FacilityRef(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", queryset=Facility.objects.all(), **kwargs)


class InfantSerializer(StrictModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    birth_at = AwareDateTimeField()
    discharged_at = AwareDateTimeField(required=False, allow_null=True)
    gestational_age_weeks = serializers.IntegerField(
        min_value=settings.GESTATIONAL_AGE_MIN_WEEKS, max_value=settings.GESTATIONAL_AGE_MAX_WEEKS
    )
    gestational_age_days = serializers.IntegerField(min_value=0, max_value=6)
    # 300–7000 g: outside this a typo (kg for g) is far likelier than a real infant.
    birth_weight_g = serializers.IntegerField(min_value=300, max_value=7000)
    registered_centre = FacilityRef()
    delivering_hospital = FacilityRef(required=False, allow_null=True)
    neurotoxicity_risk_factors = serializers.MultipleChoiceField(
        choices=NeurotoxicityRiskFactor.choices,
        allow_null=True,
        allow_empty=True,
        required=False,
        help_text="null = not assessed (the guideline engine then asks for review); [] = none.",
    )
    hyperbilirubinemia_risk_factors = serializers.MultipleChoiceField(
        choices=HyperbilirubinemiaRiskFactor.choices, allow_empty=True, required=False
    )
    age_hours = serializers.SerializerMethodField()

    class Meta:
        model = Infant
        fields = [
            "id",
            "display_name",
            "sex",
            "birth_at",
            "gestational_age_weeks",
            "gestational_age_days",
            "birth_weight_g",
            "delivering_hospital",
            "registered_centre",
            "discharged_at",
            "feeding",
            "neurotoxicity_risk_factors",
            "hyperbilirubinemia_risk_factors",
            "follow_up_status",
            "age_hours",
            "created_at",
        ]
        read_only_fields = ["created_at", "follow_up_status"]

    def get_age_hours(self, infant: Infant) -> float:
        return round(infant.age_hours_at(timezone.now()), 1)

    def to_representation(self, infant):
        data = super().to_representation(infant)
        # MultipleChoiceField renders sets; keep a stable, sorted list in the API.
        for name in ("neurotoxicity_risk_factors", "hyperbilirubinemia_risk_factors"):
            if data[name] is not None:
                data[name] = sorted(data[name])
        return data

    def validate(self, attrs):
        for name in ("neurotoxicity_risk_factors", "hyperbilirubinemia_risk_factors"):
            if attrs.get(name) is not None:
                attrs[name] = sorted(attrs[name])
        return attrs


class GuardianLinkSerializer(StrictSerializer):
    phone_number = PhoneNumberField()
    display_name = serializers.CharField(max_length=150)
    relationship = serializers.ChoiceField(choices=Guardianship.Relationship.choices)
    consent_given_at = AwareDateTimeField()
    language = serializers.ChoiceField(choices=["zh-hans", "en"], default="zh-hans")
    consent_version = serializers.CharField(
        max_length=32,
        required=False,
        help_text="The consent text the parent agreed to (GET /api/v1/consent-text/); "
        "default: the one in force.",
    )


class GuardianshipSerializer(serializers.ModelSerializer):
    guardian_id = serializers.UUIDField(source="guardian.public_id")
    phone_number = serializers.CharField(source="guardian.phone_number")
    display_name = serializers.CharField(source="guardian.first_name")
    consent_version = serializers.CharField(
        source="consent_text.version", allow_null=True, default=None
    )

    class Meta:
        model = Guardianship
        fields = [
            "guardian_id",
            "phone_number",
            "display_name",
            "relationship",
            "consent_given_at",
            "consent_withdrawn_at",
            "consent_version",
        ]


class AssessmentSerializer(serializers.Serializer):
    """The stored engine output, plus when and on what it was made. Read-only.

    The declared fields document the main keys for the schema; the body is the engine's whole
    stored result (`risk_model.guideline.Assessment.to_dict`).
    """

    id = serializers.UUIDField(source="public_id", read_only=True)
    basis_at = serializers.DateTimeField(read_only=True)
    next_measurement_at = serializers.DateTimeField(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=ActionLevel.code_choices(), read_only=True)
    action_level = serializers.IntegerField(read_only=True)
    guideline_version = serializers.CharField(read_only=True)
    guideline_applies = serializers.BooleanField(read_only=True)
    gap_mg_dl = serializers.FloatField(read_only=True, allow_null=True)
    gap_umol_l = serializers.IntegerField(read_only=True, allow_null=True)
    zone = serializers.CharField(read_only=True, allow_null=True)
    next_measurement_hours = serializers.FloatField(read_only=True, allow_null=True)
    thresholds = serializers.DictField(read_only=True)
    signals = serializers.ListField(child=serializers.DictField(), read_only=True)
    reasons = serializers.ListField(child=serializers.DictField(), read_only=True)
    # status scored/not_applicable/unavailable, probability, model_version, drivers (in words),
    # features (what the model saw): risk_model.serving.Prediction.
    risk_model = serializers.DictField(read_only=True, allow_null=True)

    def to_representation(self, assessment: Assessment) -> dict:
        stamps = super().to_representation(assessment)
        return {
            "id": stamps["id"],
            "basis_at": stamps["basis_at"],
            "next_measurement_at": stamps["next_measurement_at"],
            **assessment.result,
        }


def assessment_of(record) -> dict | None:
    try:
        return AssessmentSerializer(record.assessment).data
    except Assessment.DoesNotExist:  # only rows written before assessments existed
        return None


class NeedsConfirmationSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=NeedsConfirmation.choices)
    message = serializers.CharField()


class UnitField(serializers.ChoiceField):
    """µmol/L or mg/dL; the app may spell micro with the µ sign."""

    ALIASES = {"µmol/L": Unit.UMOL_L.value, "μmol/L": Unit.UMOL_L.value}

    def __init__(self, **kwargs):
        super().__init__(choices=Reading.UnitSent.choices, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = self.ALIASES.get(data, data)
        return super().to_internal_value(data)


class ReadingSerializer(StrictModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    infant = serializers.UUIDField(source="infant.public_id", read_only=True)
    value = serializers.DecimalField(
        source="value_as_sent", max_digits=7, decimal_places=2, min_value=Decimal(0)
    )
    unit = UnitField(source="unit_as_sent")
    value_umol_l = serializers.SerializerMethodField()
    value_mg_dl = serializers.SerializerMethodField()
    measured_at = AwareDateTimeField()
    idempotency_key = serializers.RegexField(**CLIENT_KEY)
    entered_by_role = serializers.CharField(source="entered_by.role", read_only=True)
    # Why the value is kept but lowers nothing until a measurement confirms it (issue #12).
    needs_confirmation = serializers.SerializerMethodField()
    # Measured more than LATE_ENTRY_AFTER_MINUTES before it arrived: history, not news.
    late_entry = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()

    class Meta:
        model = Reading
        fields = [
            "id",
            "infant",
            "method",
            "value",
            "unit",
            "value_umol_l",
            "value_mg_dl",
            "measured_at",
            "device_id",
            "idempotency_key",
            "channel",
            "entered_by_role",
            "created_at",
            "needs_confirmation",
            "late_entry",
            "assessment",
        ]
        read_only_fields = ["channel", "created_at"]

    def get_assessment(self, reading: Reading) -> dict | None:
        return assessment_of(reading)

    @extend_schema_field(NeedsConfirmationSerializer(allow_null=True))
    def get_needs_confirmation(self, reading: Reading) -> dict | None:
        if not reading.needs_confirmation:
            return None
        return {
            "code": reading.needs_confirmation,
            "message": _("Kept, but not used to lower any advice until measured again: %(why)s.")
            % {"why": reading.get_needs_confirmation_display()},
        }

    def get_late_entry(self, reading: Reading) -> bool:
        late = timedelta(minutes=settings.LATE_ENTRY_AFTER_MINUTES)
        return reading.created_at - reading.measured_at > late

    # DOMAIN.md: show µmol/L as whole numbers, mg/dL to 0.1.
    def get_value_umol_l(self, reading: Reading) -> int:
        return round(reading.value_umol_l)

    def get_value_mg_dl(self, reading: Reading) -> float:
        return round(reading.value_umol_l / UMOL_L_PER_MG_DL, 1)

    def validate(self, attrs):
        ceiling_umol_l = to_umol_l(settings.READING_MAX_MG_DL, Unit.MG_DL)
        if to_umol_l(attrs["value_as_sent"], attrs["unit_as_sent"]) > ceiling_umol_l:
            raise serializers.ValidationError(
                {
                    "value": [
                        _(
                            "Above the physiologic ceiling of %(mg)d mg/dL (%(umol)d µmol/L). "
                            "Check the value and its unit."
                        )
                        % {"mg": settings.READING_MAX_MG_DL, "umol": round(ceiling_umol_l)}
                    ]
                }
            )
        return attrs


# What a parent can report; an observation must carry at least one of them.
OBSERVATION_VALUE_FIELDS = (
    "weight_g",
    "feeds_per_day",
    "stool_card_number",
    "stool_colour",
    "poor_feeding",
    "lethargy",
    "high_pitched_cry",
    "arching",
    "seizures",
    "blue_colour",
    "dark_urine",
)


class ObservationSerializer(StrictModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    infant = serializers.UUIDField(source="infant.public_id", read_only=True)
    observed_at = AwareDateTimeField()
    weight_g = serializers.IntegerField(
        min_value=300, max_value=10000, required=False, allow_null=True
    )
    feeds_per_day = serializers.IntegerField(
        min_value=0, max_value=40, required=False, allow_null=True
    )
    stool_card_number = serializers.IntegerField(
        min_value=min(STOOL_CARD_NUMBERS),
        max_value=max(STOOL_CARD_NUMBERS),
        required=False,
        allow_null=True,
    )
    stool_colour = serializers.ChoiceField(
        choices=Observation.StoolColour.choices, required=False, allow_blank=True
    )
    idempotency_key = serializers.RegexField(**CLIENT_KEY)
    assessment = serializers.SerializerMethodField()

    class Meta:
        model = Observation
        fields = [
            "id",
            "infant",
            "observed_at",
            *OBSERVATION_VALUE_FIELDS,
            "idempotency_key",
            "channel",
            "created_at",
            "assessment",
        ]
        read_only_fields = ["channel", "created_at"]

    def get_assessment(self, observation: Observation) -> dict | None:
        return assessment_of(observation)

    def validate(self, attrs):
        if all(attrs.get(name) in (None, "") for name in OBSERVATION_VALUE_FIELDS):
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Give at least one observation (weight, feeds, stool colour or "
                            "alertness)."
                        )
                    ]
                }
            )
        return attrs


class SyncReadingSerializer(ReadingSerializer):
    infant = serializers.UUIDField()

    class Meta(ReadingSerializer.Meta):
        pass


class SyncObservationSerializer(ObservationSerializer):
    infant = serializers.UUIDField()

    class Meta(ObservationSerializer.Meta):
        pass


@extend_schema_field(SyncReadingSerializer(many=True))
class SyncReadingRecords(serializers.ListField):
    """Readings as sent; each is validated on its own, so the envelope takes any objects."""

    child = serializers.DictField()


@extend_schema_field(SyncObservationSerializer(many=True))
class SyncObservationRecords(serializers.ListField):
    child = serializers.DictField()


class SyncRequestSerializer(StrictSerializer):
    """Only the envelope is checked here; each record is validated on its own. A record is what
    POST /infants/{id}/readings/ (or observations/) takes, plus the infant's `infant` id."""

    readings = SyncReadingRecords(required=False, default=list)
    observations = SyncObservationRecords(required=False, default=list)

    def validate(self, attrs):
        total = len(attrs["readings"]) + len(attrs["observations"])
        if total > settings.SYNC_MAX_RECORDS:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("At most %(max)d records per sync; send the rest in another request.")
                        % {"max": settings.SYNC_MAX_RECORDS}
                    ]
                }
            )
        return attrs


class SyncResultSerializer(serializers.Serializer):
    """What became of one record of a sync, in the order sent."""

    idempotency_key = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(
        choices=[
            ("created", "created"),
            ("duplicate", "already stored (sent before with this key)"),
            ("invalid", "not stored; see errors"),
        ]
    )
    id = serializers.UUIDField(required=False, help_text="The stored record (not when invalid).")
    assessment = AssessmentSerializer(
        required=False, allow_null=True, help_text="The record's assessment (not when invalid)."
    )
    errors = serializers.DictField(
        required=False, help_text="Field name → messages, as a 400 answers (only when invalid)."
    )


class SyncResponseSerializer(serializers.Serializer):
    readings = SyncResultSerializer(many=True)
    observations = SyncResultSerializer(many=True)


class ClinicianThresholdSerializer(StrictModelSerializer):
    """Thresholds a clinician sets for an infant outside AAP 2022 (below 35 weeks)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    phototherapy = serializers.DecimalField(
        source="phototherapy_as_sent", max_digits=7, decimal_places=2, min_value=Decimal(0)
    )
    exchange = serializers.DecimalField(
        source="exchange_as_sent",
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
    )
    unit = UnitField(source="unit_as_sent")
    phototherapy_mg_dl = serializers.FloatField(read_only=True)
    exchange_mg_dl = serializers.FloatField(read_only=True, allow_null=True)
    set_by_role = serializers.CharField(source="set_by.role", read_only=True)

    class Meta:
        model = ClinicianThreshold
        fields = [
            "id",
            "phototherapy",
            "exchange",
            "unit",
            "phototherapy_mg_dl",
            "exchange_mg_dl",
            "note",
            "set_by_role",
            "set_at",
        ]
        read_only_fields = ["set_at"]


class PhototherapySerializer(StrictModelSerializer):
    """A course of phototherapy; sending the same start again with its end records the end."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    started_at = AwareDateTimeField()
    stopped_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    referral = serializers.UUIDField(source="referral.public_id", read_only=True, allow_null=True)
    recorded_by_role = serializers.CharField(source="recorded_by.role", read_only=True)

    class Meta:
        model = Phototherapy
        fields = ["id", "started_at", "stopped_at", "referral", "recorded_by_role", "created_at"]
        read_only_fields = ["created_at"]


class BreakGlassSerializer(StrictSerializer):
    infant = serializers.UUIDField()
    reason = serializers.CharField(min_length=10, max_length=2000)
    id = serializers.UUIDField(source="public_id", read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class ConsentTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentText
        fields = ["version", "text_zh", "text_en", "in_force_from"]


class FollowUpStatusSerializer(serializers.Serializer):
    """A clinician or hospital system sets where the infant's follow-up stands, with a reason."""

    status = serializers.ChoiceField(choices=FollowUpStatus.choices)
    reason = serializers.CharField(max_length=500)


class InfantCorrectionSerializer(StrictSerializer):
    """Facts a clinician corrects after registration, each optional, with the reason. The
    same bounds as at registration."""

    birth_at = AwareDateTimeField(required=False)
    gestational_age_weeks = serializers.IntegerField(
        min_value=settings.GESTATIONAL_AGE_MIN_WEEKS,
        max_value=settings.GESTATIONAL_AGE_MAX_WEEKS,
        required=False,
    )
    gestational_age_days = serializers.IntegerField(min_value=0, max_value=6, required=False)
    birth_weight_g = serializers.IntegerField(min_value=300, max_value=7000, required=False)
    feeding = serializers.ChoiceField(choices=Infant.Feeding.choices, required=False)
    neurotoxicity_risk_factors = serializers.MultipleChoiceField(
        choices=NeurotoxicityRiskFactor.choices, allow_null=True, allow_empty=True, required=False
    )
    hyperbilirubinemia_risk_factors = serializers.MultipleChoiceField(
        choices=HyperbilirubinemiaRiskFactor.choices, allow_empty=True, required=False
    )
    reason = serializers.CharField(max_length=500)

    def validate(self, attrs):
        for name in ("neurotoxicity_risk_factors", "hyperbilirubinemia_risk_factors"):
            if attrs.get(name) is not None:
                attrs[name] = sorted(attrs[name])
        if len(attrs) == 1:
            raise serializers.ValidationError(_("Give at least one fact to correct."))
        return attrs
