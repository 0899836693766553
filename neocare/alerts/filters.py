import django_filters

from neocare.alerts.models import Alert
from neocare.api import StrictFilterSet


class AlertFilter(StrictFilterSet):
    # Without ?status= the queue shows the alerts still open (AlertViewSet.get_queryset).
    status = django_filters.ChoiceFilter(
        choices=Alert.Status.choices,
        help_text="Only alerts in this state; without it, the open ones (not yet resolved).",
    )

    class Meta:
        model = Alert
        fields = ["status"]
