from django.utils import timezone
from rest_framework import serializers

from neocare.api import StrictSerializer
from neocare.questions.models import QUESTION_MAX_CHARS, Question


class QuestionAskSerializer(StrictSerializer):
    text = serializers.CharField(max_length=QUESTION_MAX_CHARS)
    # A photo uploaded first through /infants/{id}/photos/ (its id), of the same infant.
    photo = serializers.UUIDField(required=False, allow_null=True)
    idempotency_key = serializers.CharField(min_length=8, max_length=64)


class QuestionAnswerSerializer(StrictSerializer):
    answer = serializers.CharField(max_length=QUESTION_MAX_CHARS)


class QuestionSerializer(serializers.ModelSerializer):
    """A question, its deadline and, once given, its answer (by a doctor, or by the system with
    the emergency advice when the question named a danger sign)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    infant = serializers.UUIDField(source="infant.public_id", read_only=True)
    photo = serializers.UUIDField(source="photo.public_id", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    answered_by_system = serializers.BooleanField(read_only=True)
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "id",
            "infant",
            "text",
            "photo",
            "status",
            "created_at",
            "answer_due_at",
            "overdue",
            "escalation_level",
            "danger",
            "danger_words",
            "mentioned_words",
            "today_words",
            "answer",
            "answered_at",
            "answered_by",
            "answered_by_system",
        ]
        read_only_fields = fields

    def get_overdue(self, question) -> bool:
        return question.is_overdue(timezone.now())

    def get_answered_by(self, question) -> str | None:
        """The answering doctor's name; null before an answer or for the system's."""
        doctor = question.answered_by
        return None if doctor is None else (doctor.get_full_name() or doctor.username)
