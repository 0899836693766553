from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from neocare.api import AwareDateTimeField, StrictSerializer, loads_bounded
from neocare.photos.models import Photo


class CardRectField(serializers.DictField):
    """The calibration card's rectangle in the frame, normalised: {x, y, w, h} within 0–1."""

    child = serializers.FloatField(min_value=0, max_value=1)

    def get_value(self, dictionary):
        # Multipart forms carry it as one JSON text field, not as card_rect.x, card_rect.y…
        return dictionary.get(self.field_name, serializers.empty)

    def to_internal_value(self, data):
        if isinstance(data, str):  # multipart sends JSON as text
            try:
                data = loads_bounded(data)
            except ValueError as exc:
                raise serializers.ValidationError(_("Send a JSON object {x, y, w, h}.")) from exc
        rect = super().to_internal_value(data)
        if set(rect) != {"x", "y", "w", "h"}:
            raise serializers.ValidationError(_("Give exactly x, y, w and h."))
        if rect["w"] <= 0 or rect["h"] <= 0:
            raise serializers.ValidationError(_("Width and height must be above 0."))
        if rect["x"] + rect["w"] > 1 or rect["y"] + rect["h"] > 1:
            raise serializers.ValidationError(_("The rectangle must lie inside the frame."))
        return rect


class PhotoUploadSerializer(StrictSerializer):
    image = serializers.FileField(allow_empty_file=False)
    taken_at = AwareDateTimeField()
    body_site = serializers.ChoiceField(choices=Photo.BodySite.choices)
    card_rect = CardRectField()
    idempotency_key = serializers.CharField(min_length=8, max_length=64)

    def validate_image(self, upload):
        if upload.size > settings.PHOTO_MAX_BYTES:
            raise serializers.ValidationError(
                _("The photo is too large (at most %(mb)d MB).")
                % {"mb": settings.PHOTO_MAX_BYTES // 1_000_000}
            )
        return upload


class PhotoSerializer(serializers.ModelSerializer):
    """A photo's status; when unusable, the one thing to fix; when usable, the estimate, always
    marked as a photo estimate (screening), never as a measurement."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    problem = serializers.CharField(read_only=True, allow_blank=True)
    problem_text = serializers.CharField(source="get_problem_display", read_only=True)
    estimate = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = [
            "id",
            "taken_at",
            "body_site",
            "card_rect",
            "status",
            "problem",
            "problem_text",
            "estimate",
            "analysed_at",
            "width",
            "height",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "kind": {"type": "string", "enum": ["photo_estimate"]},
                "mg_dl": {"type": "number"},
                "low_mg_dl": {"type": "number"},
                "high_mg_dl": {"type": "number"},
                "is_measurement": {"type": "boolean", "enum": [False]},
                "estimator_version": {"type": "string"},
            },
        }
    )
    def get_estimate(self, photo) -> dict | None:
        if photo.estimate_mg_dl is None:
            return None
        return {
            "kind": "photo_estimate",
            "mg_dl": photo.estimate_mg_dl,
            "low_mg_dl": photo.estimate_low_mg_dl,
            "high_mg_dl": photo.estimate_high_mg_dl,
            "is_measurement": False,
            "estimator_version": photo.estimator_version,
        }
