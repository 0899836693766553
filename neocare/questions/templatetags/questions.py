"""The questions of an infant on its console record (`questions/_on_record.html`)."""

from django import template

from neocare.audit.services import audit_view
from neocare.console.views import DOCTORS

register = template.Library()


@register.simple_tag(takes_context=True)
def questions_on_record(context, infant):
    """The infant's questions, newest first (the record page already found it in scope); a
    read of them is audited as such."""
    questions = list(
        infant.questions.select_related("answered_by", "photo").order_by("-created_at", "-id")
    )
    request = context["request"]
    if questions:
        audit_view(actor=request.user, infant=infant, what="console_questions")
    return {"questions": questions, "may_answer": request.user.role in DOCTORS}
