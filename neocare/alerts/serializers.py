from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from neocare.alerts.models import Alert, Referral
from neocare.api import AwareDateTimeField, OptionalChoiceField, StrictSerializer
from neocare.infants.assessments import assessment_latest
from neocare.infants.serializers import AssessmentSerializer
from neocare.network.models import Facility
from neocare.network.places import hospitals_by_distance


class ReferralSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    infant = serializers.UUIDField(source="infant.public_id", read_only=True)
    infant_name = serializers.CharField(source="infant.display_name", read_only=True)
    hospital = serializers.UUIDField(source="hospital.public_id", read_only=True)
    hospital_name = serializers.CharField(source="hospital.name", read_only=True)
    referred_by = serializers.UUIDField(source="referred_by.public_id", allow_null=True)
    treatment = OptionalChoiceField(choices=Referral.Treatment.choices)

    class Meta:
        model = Referral
        fields = [
            "id",
            "infant",
            "infant_name",
            "hospital",
            "hospital_name",
            "referred_by",
            "reason",
            "status",
            "treatment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    """One line of the triage queue, with the infant's latest assessment inline."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    infant = serializers.UUIDField(source="infant.public_id", read_only=True)
    infant_name = serializers.CharField(source="infant.display_name", read_only=True)
    centre = serializers.UUIDField(source="centre.public_id", read_only=True)
    acknowledged_by = serializers.UUIDField(source="acknowledged_by.public_id", allow_null=True)
    resolved_by = serializers.UUIDField(source="resolved_by.public_id", allow_null=True)
    outcome = OptionalChoiceField(choices=Alert.Outcome.choices)
    latest_assessment = serializers.SerializerMethodField()
    # The assessment that opened or last raised the alert, when it is not the latest one.
    alert_assessment = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "infant",
            "infant_name",
            "centre",
            "severity",
            "severity_level",
            "status",
            "opened_at",
            "raised_at",
            "acknowledged_at",
            "acknowledged_by",
            "escalation_level",
            "escalated_at",
            "resolved_at",
            "resolved_by",
            "outcome",
            "outcome_note",
            "latest_assessment",
            "alert_assessment",
        ]
        read_only_fields = fields

    def get_latest_assessment(self, alert: Alert) -> dict | None:
        latest = assessment_latest(alert.infant)
        return AssessmentSerializer(latest).data if latest else None

    def get_alert_assessment(self, alert: Alert) -> dict | None:
        latest = assessment_latest(alert.infant)
        if latest is not None and latest.pk == alert.assessment_id:
            return None
        return AssessmentSerializer(alert.assessment).data


class HospitalChoiceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    distance_km = serializers.FloatField(help_text="From the infant's community centre.")


class AlertDetailSerializer(AlertSerializer):
    """One alert, with the referral form's choices: tertiary hospitals, nearest first (the
    default when a referral names none)."""

    hospitals = serializers.SerializerMethodField()

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "hospitals"]
        read_only_fields = fields

    @extend_schema_field(HospitalChoiceSerializer(many=True))
    def get_hospitals(self, alert: Alert) -> list[dict]:
        return [
            {"id": h.public_id, "name": h.name, "distance_km": round(km, 1)}
            for h, km in hospitals_by_distance(alert.infant.registered_centre)
        ]


class ResolveSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Alert.Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReferSerializer(StrictSerializer):
    # Defaults to the nearest tertiary hospital from the infant's community centre.
    hospital = serializers.SlugRelatedField(
        slug_field="public_id",
        queryset=Facility.objects.filter(tier=Facility.Tier.TERTIARY_HOSPITAL),
        required=False,
        allow_null=True,
        default=None,
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReferralUpdateSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    treatment = serializers.ChoiceField(
        choices=Referral.Treatment.choices, required=False, allow_blank=True, default=""
    )
    # Phototherapy goes on the infant's record with its times; its end starts the rebound
    # follow-up (the start is required with treatment "phototherapy").
    phototherapy_started_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    phototherapy_stopped_at = AwareDateTimeField(required=False, allow_null=True, default=None)
