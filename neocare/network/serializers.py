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
    facility = FacilitySerializer(read_only=True)
    region = serializers.CharField(source="region.name", read_only=True, default=None)
    phone_number = serializers.CharField(read_only=True)

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
