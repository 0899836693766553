"""Photos of an infant: upload (multipart), list, and the image itself — only through the
scoped API, every view audited, with headers that stop a browser from guessing or embedding."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from neocare.api_schema import idempotent_write
from neocare.audit.services import audit_view
from neocare.infants.selectors import infants_visible_to
from neocare.photos.serializers import PhotoSerializer, PhotoUploadSerializer
from neocare.photos.services import photo_path, photo_record


def _infant(request, infant_id):
    return get_object_or_404(infants_visible_to(request.user), public_id=infant_id)


class PhotoListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=PhotoSerializer(many=True))
    def get(self, request, id):
        infant = _infant(request, id)
        audit_view(actor=request.user, infant=infant, what="photos")
        photos = infant.photos.order_by("-taken_at", "id")
        return Response(PhotoSerializer(photos, many=True).data)

    @extend_schema(request=PhotoUploadSerializer, responses=idempotent_write(PhotoSerializer))
    def post(self, request, id):
        infant = _infant(request, id)
        form = PhotoUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        recorded = photo_record(
            infant=infant,
            uploaded_by=request.user,
            data=data["image"].read(),
            taken_at=data["taken_at"],
            body_site=data["body_site"],
            card_rect=data["card_rect"],
            idempotency_key=data["idempotency_key"],
        )
        return Response(
            PhotoSerializer(recorded.record).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


class PhotoImageView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "image/jpeg"): bytes})
    def get(self, request, id, photo_id):
        infant = _infant(request, id)
        photo = get_object_or_404(infant.photos, public_id=photo_id)
        path = photo_path(photo)
        if not path.is_file():
            raise Http404
        audit_view(actor=request.user, infant=infant, what="photo", object_id=photo.public_id)
        response = FileResponse(path.open("rb"), content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = f'inline; filename="{photo.public_id}.jpg"'
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response
