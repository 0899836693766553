"""Console pages for parents' questions: the doctors' inbox and the answer form. Scope from
the selectors, writes through the service; another role gets 404 (`for_roles`)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from neocare.audit.services import audit_list
from neocare.console.views import DOCTORS, for_roles
from neocare.questions.models import QUESTION_MAX_CHARS
from neocare.questions.selectors import inbox, questions_visible_to
from neocare.questions.services import question_answer

# Open questions are all shown; answered ones, the latest this many.
INBOX_ANSWERED_SHOWN = 50


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"), max_length=QUESTION_MAX_CHARS, widget=forms.Textarea
    )


@for_roles(*DOCTORS)
def questions_inbox(request):
    questions = inbox(request.user)
    rows = list(questions.filter(closed=0)) + list(
        questions.filter(closed=1)[:INBOX_ANSWERED_SHOWN]
    )
    audit_list(actor=request.user, infants=[q.infant for q in rows], what="console_questions")
    return render(
        request,
        "questions/inbox.html",
        {"rows": rows, "now": timezone.now(), "form": AnswerForm()},
    )


@require_POST
@for_roles(*DOCTORS)
def answer(request, question_id):
    question = get_object_or_404(questions_visible_to(request.user), public_id=question_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    try:
        question_answer(question=question, by=request.user, answer=form.cleaned_data["answer"])
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    except PermissionDenied:
        raise Http404 from None
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("console:questions")
