"""The parents' knowledge base over HTTP: public, read-only, in the asked-for language."""

from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from neocare.api_schema import error_response
from neocare.knowledge.filters import LANGUAGES, ArticleFilter
from neocare.knowledge.models import Article
from neocare.knowledge.selectors import articles_public
from neocare.knowledge.serializers import ArticleSerializer

_LANGUAGE_CODES = {code for code, _name in LANGUAGES}

_LANG = OpenApiParameter(
    "lang",
    enum=sorted(_LANGUAGE_CODES),
    description="The language of title and text; without it, Accept-Language (default zh-hans).",
)


@extend_schema_view(
    list=extend_schema(
        summary="Published articles for parents",
        description=(
            "Only articles a clinician has reviewed, published and whose review has not "
            "expired. `q` finds words in either language (Chinese matches any part of a "
            "sentence); `tag` one subject."
        ),
    ),
    retrieve=extend_schema(
        summary="One published article",
        parameters=[_LANG],
        responses={200: ArticleSerializer, 400: error_response("BadRequest")},
    ),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public education: anyone may read it, throttled as every anonymous call is."""

    permission_classes = [AllowAny]
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    queryset = Article.objects.none()  # for the schema only; requests use get_queryset()
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return articles_public()

    def get_object(self):
        # List filters do not apply to one article (as everywhere in the API).
        return get_object_or_404(self.get_queryset(), public_id=self.kwargs["id"])

    def language(self) -> str:
        """`?lang=`, else the request's language (LocaleMiddleware: Accept-Language)."""
        asked = self.request.query_params.get("lang")
        if asked is None:
            return "en" if translation.get_language() == "en" else "zh-hans"
        if asked not in _LANGUAGE_CODES:
            raise ValidationError({"lang": [_("Choose zh-hans or en.")]})
        return asked

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.language()}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Content-Language"] = self.language()
        return response
