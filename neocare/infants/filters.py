import django_filters

from neocare.api import AwareIsoDateTimeFilter, StrictFilterSet
from neocare.infants.models import Infant, Observation, Reading


class InfantFilter(StrictFilterSet):
    registered_centre = django_filters.UUIDFilter(field_name="registered_centre__public_id")
    district = django_filters.UUIDFilter(field_name="registered_centre__district__public_id")
    born_after = AwareIsoDateTimeFilter(field_name="birth_at", lookup_expr="gte")
    born_before = AwareIsoDateTimeFilter(field_name="birth_at", lookup_expr="lt")

    class Meta:
        model = Infant
        fields = ["registered_centre", "district", "born_after", "born_before"]


class ReadingFilter(StrictFilterSet):
    measured_after = AwareIsoDateTimeFilter(field_name="measured_at", lookup_expr="gte")
    measured_before = AwareIsoDateTimeFilter(field_name="measured_at", lookup_expr="lt")

    class Meta:
        model = Reading
        fields = ["method", "measured_after", "measured_before"]


class ObservationFilter(StrictFilterSet):
    observed_after = AwareIsoDateTimeFilter(field_name="observed_at", lookup_expr="gte")
    observed_before = AwareIsoDateTimeFilter(field_name="observed_at", lookup_expr="lt")

    class Meta:
        model = Observation
        fields = ["observed_after", "observed_before"]
