import django_filters
from rest_framework import mixins, viewsets

from neocare.api import AwareIsoDateTimeFilter, StrictFilterSet
from neocare.audit.models import AuditEvent
from neocare.audit.selectors import audit_events_visible_to
from neocare.audit.serializers import AuditEventSerializer


class AuditEventFilter(StrictFilterSet):
    infant = django_filters.UUIDFilter(field_name="infant__public_id")
    after = AwareIsoDateTimeFilter(field_name="at", lookup_expr="gte")
    before = AwareIsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["infant", "action", "after", "before"]


class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail, newest first: district doctors for their district, administrators for
    their region. Append-only: there is no write route."""

    serializer_class = AuditEventSerializer
    queryset = AuditEvent.objects.none()  # for the schema only; requests use get_queryset()
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return audit_events_visible_to(self.request.user).order_by("-at", "-id")
