import django_filters

from neocare.api import StrictFilterSet
from neocare.network.models import Facility


class FacilityFilter(StrictFilterSet):
    district = django_filters.UUIDFilter(field_name="district__public_id")

    class Meta:
        model = Facility
        fields = ["tier", "district"]
