from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from neocare.api import BoundedJSONParser
from neocare.network.models import Facility
from neocare.network.serializers import FacilitySerializer, MeSerializer


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class FacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The care network's facilities: public directory information, open to every account."""

    serializer_class = FacilitySerializer
    queryset = Facility.objects.select_related("district").order_by("name", "id")
    filterset_fields = {"tier": ["exact"]}
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        queryset = super().get_queryset()
        district = self.request.query_params.get("district")
        return queryset.filter(district__public_id=district) if district else queryset


class TokenView(ObtainAuthToken):
    """Sign-in for the app: username and password for a token. Its JSON is bounded like every
    other body (DRF's own view parses with the unbounded parser)."""

    parser_classes = (parsers.FormParser, parsers.MultiPartParser, BoundedJSONParser)
