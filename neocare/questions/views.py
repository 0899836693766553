"""HTTP for parents' questions. Scope from selectors, writes through services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from neocare.api_schema import idempotent_write
from neocare.audit.services import audit_view
from neocare.infants.selectors import infants_visible_to
from neocare.questions.filters import QuestionFilter
from neocare.questions.models import Question
from neocare.questions.selectors import questions_visible_to
from neocare.questions.serializers import (
    QuestionAnswerSerializer,
    QuestionAskSerializer,
    QuestionSerializer,
)
from neocare.questions.services import question_answer, question_ask


class InfantQuestionsView(generics.GenericAPIView):
    """GET: the infant's questions, newest first (everyone in scope). POST: a guardian with
    active consent asks one (idempotent by key)."""

    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter
    queryset = Question.objects.none()  # schema only

    def _infant(self):
        return get_object_or_404(infants_visible_to(self.request.user), public_id=self.kwargs["id"])

    @extend_schema(responses=QuestionSerializer(many=True))
    def get(self, request, id):
        infant = self._infant()
        questions = infant.questions.select_related("infant", "photo", "answered_by").order_by(
            "-created_at", "-id"
        )
        page = self.paginate_queryset(self.filter_queryset(questions))
        audit_view(actor=request.user, infant=infant, what="questions")
        return self.get_paginated_response(QuestionSerializer(page, many=True).data)

    @extend_schema(request=QuestionAskSerializer, responses=idempotent_write(QuestionSerializer))
    def post(self, request, id):
        infant = self._infant()
        form = QuestionAskSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        recorded = question_ask(
            infant=infant,
            asked_by=request.user,
            text=data["text"],
            idempotency_key=data["idempotency_key"],
            photo_id=data.get("photo"),
        )
        return Response(
            QuestionSerializer(recorded.record).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


class QuestionAnswerView(generics.GenericAPIView):
    """A community or district doctor in scope answers a question (once)."""

    serializer_class = QuestionAnswerSerializer
    queryset = Question.objects.none()  # schema only

    @extend_schema(request=QuestionAnswerSerializer, responses=QuestionSerializer)
    def post(self, request, id):
        question = get_object_or_404(questions_visible_to(request.user), public_id=id)
        form = QuestionAnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        question = question_answer(
            question=question, by=request.user, answer=form.validated_data["answer"]
        )
        return Response(QuestionSerializer(question).data)
