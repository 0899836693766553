from rest_framework import serializers

from neocare.network.models import Facility, User


class FacilitySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    district = serializers.CharField(source="district.name", read_only=True)
    district_id = serializers.UUIDField(source="district.public_id", read_only=True)

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "tier",
            "district",
            "district_id",
            "address",
            "latitude",
            "longitude",
        ]


class MeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    # Parents belong to no facility; only health administrators have a region.
    facility = FacilitySerializer(read_only=True, allow_null=True)
    region = serializers.CharField(
        source="region.name", read_only=True, allow_null=True, default=None
    )
    phone_number = serializers.CharField(read_only=True, allow_null=True)  # parents only

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "role",
            "facility",
            "region",
            "phone_number",
            "language",
        ]
