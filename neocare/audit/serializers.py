from rest_framework import serializers

from neocare.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.UUIDField(source="actor.public_id", allow_null=True)  # null: the system
    infant = serializers.UUIDField(source="infant.public_id", allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "at",
            "actor",
            "actor_role",
            "infant",
            "action",
            "object_type",
            "object_id",
            "reason",
        ]
