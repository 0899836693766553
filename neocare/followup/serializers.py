"""The follow-up plan as the API shows it."""

from rest_framework import serializers

from neocare.followup.models import Request
from neocare.infants.models import ActionLevel


class RequestSerializer(serializers.ModelSerializer):
    """One request of the plan: what is asked, by when, why, and how it ended."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    action = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    answered_by_label = serializers.CharField(source="get_answered_by_display", read_only=True)
    closed_by = serializers.CharField(source="closed_by.username", read_only=True, default=None)

    class Meta:
        model = Request
        fields = [
            "id",
            "kind",
            "kind_label",
            "action",
            "raised_at",
            "window_start_at",
            "due_at",
            "reasons",
            "detail",
            "status",
            "status_label",
            "answered_by",
            "answered_by_label",
            "ended_at",
            "closed_by",
            "close_reason",
        ]
        read_only_fields = fields

    def get_action(self, request: Request) -> str:
        return ActionLevel(request.action_level).code


class PlanSerializer(serializers.Serializer):
    open = RequestSerializer(many=True)
    ended = RequestSerializer(many=True)


class RequestCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
