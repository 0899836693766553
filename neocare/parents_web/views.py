"""The parents' mobile web page /m/ (issue #15, item 7): server-rendered, no JavaScript.

Parents only: a staff session gets 404 on every page here (staff use the console). Anonymous
visitors may sign in and read the articles; everything else sends them to sign in.
"""

from datetime import timedelta
from functools import wraps

from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from neocare.audit.services import audit_view
from neocare.infants import services as infant_services
from neocare.infants.models import OBSERVED_SIGNS, Channel, Observation
from neocare.infants.my_record import my_consents, my_timeline
from neocare.knowledge.education import education_opened
from neocare.knowledge.selectors import articles_public
from neocare.knowledge.services import article_search, markdown_to_html, search_terms
from neocare.messaging.notify import RETAKE_FIXES, photo_range
from neocare.network.models import User
from neocare.network.sign_in import code_request, code_verify
from neocare.parents_web.chart import readings_svg
from neocare.parents_web.forms import (
    FORM_KEY,
    WHOLE_FRAME,
    CodeForm,
    ObservationForm,
    PhoneForm,
    PhotoForm,
    QuestionForm,
    ReadingForm,
    new_form_key,
)
from neocare.parents_web.selectors import (
    advice_box,
    my_card_plan,
    my_infants,
    reading_sent_with,
)
from neocare.photos.models import Photo
from neocare.photos.services import photo_record
from neocare.questions.selectors import questions_visible_to
from neocare.questions.services import question_ask

SESSION_DAYS = 30  # as the app's token (TOKEN_TTL_GUARDIAN_DAYS' default)
PHONE_KEY = "parents_web_phone"
NEWEST_READINGS = 5
# The newest ten: a page stays well under 100 kB even with ten 1,000-character questions and
# their answers (Chinese is 3 bytes a character).
QUESTIONS_SHOWN = 10


def _is_guardian(user) -> bool:
    return user.is_authenticated and user.role == User.Role.GUARDIAN


def _language(user) -> str:
    if _is_guardian(user):
        return "en" if (user.language or "").startswith("en") else "zh-hans"
    return "en" if translation.get_language() == "en" else "zh-hans"


def parents_page(view=None, *, anonymous: bool = False):
    """404 for signed-in staff; for a parent, the page in their own language (as their SMS);
    anonymous visitors go to sign in unless the page allows them."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and not _is_guardian(user):
                raise Http404
            if not user.is_authenticated and not anonymous:
                return redirect("parents_web:sign-in")
            if _is_guardian(user):
                translation.activate(_language(user))
                request.LANGUAGE_CODE = translation.get_language()
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view else decorate


# --- Sign-in --------------------------------------------------------------------------------
@parents_page(anonymous=True)
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated:
        return redirect("parents_web:home")
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"].as_e164
        if not code_request(phone, client_address=request.META.get("REMOTE_ADDR")):
            refused = render(
                request, "parents_web/sign_in.html", {"form": form, "too_many": True}, status=429
            )
            refused["Retry-After"] = "3600"
            return refused
        request.session[PHONE_KEY] = phone
        return redirect("parents_web:sign-in-code")
    return render(request, "parents_web/sign_in.html", {"form": form})


@parents_page(anonymous=True)
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    if request.user.is_authenticated:
        return redirect("parents_web:home")
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("parents_web:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = code_verify(phone, form.cleaned_data["code"])
        if user is None:
            # A wrong, expired or used code and an unknown number read the same.
            form.add_error("code", _("This code is wrong or has expired. Ask for a new one."))
        else:
            request.session.pop(PHONE_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # Parents stay signed in on their phone for weeks, as with the app's token. Seconds,
            # not a date: the 30 days restart with each visit (SESSION_SAVE_EVERY_REQUEST), and
            # the cookie outlives the browser (unlike the console's).
            request.session.set_expiry(int(timedelta(days=SESSION_DAYS).total_seconds()))
            return redirect("parents_web:home")
    return render(request, "parents_web/sign_in_code.html", {"form": form, "phone": phone})


@parents_page
@require_POST
def sign_out(request):
    logout(request)
    return redirect("parents_web:sign-in")


# --- My infants -----------------------------------------------------------------------------
def _age_text(infant, now) -> str:
    hours = int(infant.age_hours_at(now))
    if hours < 72:
        return _("%(hours)d hours after birth") % {"hours": hours}
    return _("%(days)d days old") % {"days": hours // 24}


@parents_page
@require_http_methods(["GET"])
def home(request):
    now = timezone.now()
    cards = []
    for infant in my_infants(request.user):
        timeline = my_timeline(request.user, infant)
        audit_view(actor=request.user, infant=infant, what="parents_web_home")
        readings = [e for e in timeline["events"] if e["kind"] == "reading"][:NEWEST_READINGS]
        cards.append(
            {
                "infant": infant,
                "age": _age_text(infant, now),
                "advice": timeline["advice"],
                "next_measurement_at": timeline["next_measurement_at"],
                **my_card_plan(infant, _language(request.user)),
                "readings": readings,
                # Drawn by the page's own code from numbers (parents_web.chart): no user text.
                "chart": mark_safe(readings_svg(infant, _language(request.user)) or ""),  # noqa: S308
            }
        )
    return render(request, "parents_web/home.html", {"cards": cards})


# --- Logging a reading ----------------------------------------------------------------------
def _form_errors_from(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _renewed(form_class, request, message: str, files=None):
    """The form as sent, with a fresh key and a message saying why it was not recorded."""
    form = form_class({**request.POST.dict(), "idempotency_key": new_form_key()}, files)
    form.is_valid()
    form.add_error(None, message)
    return form


def _keyed_form(request, form_class, *, template: str, context, record, done):
    """The one path of every form that records something once (KeyedForm).

    GET draws the form with a fresh key in the address, so the back button and a reload bring
    the same key back (a browser may fetch the page again rather than restore it) and a second
    tap on "save" returns the first record instead of another. POST goes through the API's
    validation (in the form) and `record(form)` (the service); a missing or malformed key, or
    a key sent again with other values, comes back with a fresh key and says so. `done(record)`
    answers a success (POST/redirect/GET: reloading the result never posts again); otherwise
    the page is drawn with `context(form)` — 400 when the form has errors.
    """
    if request.method == "GET":
        key = request.GET.get("key", "")
        if not FORM_KEY.match(key):
            return redirect(f"{request.path}?key={new_form_key()}")
        form = form_class.blank(key)
    else:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid() and "idempotency_key" in form.errors:
            form = _renewed(
                form_class,
                request,
                _("This form had expired. Check it and send it again."),
                request.FILES,
            )
        if form.is_valid():
            try:
                recorded = record(form)
            except ValidationError as error:
                _form_errors_from(form, error)
            except infant_services.IdempotencyConflict:
                form = _renewed(
                    form_class,
                    request,
                    _(
                        "This form was already sent with other values. Check them and send "
                        "again to record a new one."
                    ),
                )
            except PermissionDenied as refusal:
                form.add_error(None, str(refusal))
            else:
                return done(recorded)
    return render(
        request,
        template,
        {**context(form), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@parents_page
@require_http_methods(["GET", "POST"])
def reading_new(request, infant_id):
    infant = get_object_or_404(my_infants(request.user), public_id=infant_id)

    def record(form):
        data = form.cleaned_data
        return infant_services.reading_record(
            infant=infant,
            method=data["method"],
            value=data["value"],
            unit=data["unit"],
            measured_at=data["measured_at"],
            idempotency_key=data["idempotency_key"],
            entered_by=request.user,
            channel=Channel.APP,  # as the API for a guardian
        )

    def context(form):
        # A form drawn again with a key already used: say so, with a link to its advice.
        key = None if form.is_bound else form["idempotency_key"].value()
        saved = reading_sent_with(request.user, infant, key) if key else None
        return {"infant": infant, "saved": saved}

    return _keyed_form(
        request,
        ReadingForm,
        template="parents_web/reading_form.html",
        context=context,
        record=record,
        done=lambda result: redirect(
            "parents_web:reading-result",
            infant_id=infant.public_id,
            reading_id=result.record.public_id,
        ),
    )


@parents_page
@require_http_methods(["GET"])
def reading_result(request, infant_id, reading_id):
    infant = get_object_or_404(my_infants(request.user), public_id=infant_id)
    reading = get_object_or_404(infant.readings.select_related("assessment"), public_id=reading_id)
    audit_view(
        actor=request.user, infant=infant, what="parents_web_reading", object_id=reading.public_id
    )
    assessment = getattr(reading, "assessment", None)
    language = _language(request.user)
    return render(
        request,
        "parents_web/reading_result.html",
        {
            "infant": infant,
            "reading": reading,
            "box": advice_box(infant, assessment, language),
            "next_measurement_at": assessment.next_measurement_at if assessment else None,
        },
    )


# --- What the parents see: stool colour, weight, danger signs -----------------------------------
@parents_page
@require_http_methods(["GET", "POST"])
def observation_new(request, infant_id):
    infant = get_object_or_404(my_infants(request.user), public_id=infant_id)

    def record(form):
        return infant_services.observation_record(
            infant=infant,
            observed_at=form.cleaned_data["observed_at"],
            entered_by=request.user,
            channel=Channel.APP,
            idempotency_key=form.cleaned_data["idempotency_key"],
            **form.values(),
        )

    return _keyed_form(
        request,
        ObservationForm,
        template="parents_web/observation_form.html",
        context=lambda form: {"infant": infant},
        record=record,
        done=lambda recorded: redirect(
            "parents_web:observation-result",
            infant_id=infant.public_id,
            observation_id=recorded.record.public_id,
        ),
    )


@parents_page
@require_http_methods(["GET"])
def observation_result(request, infant_id, observation_id):
    infant = get_object_or_404(my_infants(request.user), public_id=infant_id)
    observation = get_object_or_404(
        infant.observations.select_related("assessment"), public_id=observation_id
    )
    audit_view(
        actor=request.user,
        infant=infant,
        what="parents_web_observation",
        object_id=observation.public_id,
    )
    assessment = getattr(observation, "assessment", None)
    return render(
        request,
        "parents_web/observation_result.html",
        {
            "infant": infant,
            "observation": observation,
            "signs": [
                Observation._meta.get_field(sign).verbose_name
                for sign in OBSERVED_SIGNS
                if getattr(observation, sign)
            ],
            "box": advice_box(infant, assessment, _language(request.user)),
            "next_measurement_at": assessment.next_measurement_at if assessment else None,
        },
    )


# --- Skin photos ----------------------------------------------------------------------------
@parents_page
@require_http_methods(["GET", "POST"])
def photo_new(request, infant_id):
    """A skin photo with the calibration card (the app's upload, the same service)."""
    infant = get_object_or_404(my_infants(request.user), public_id=infant_id)

    def record(form):
        data = form.cleaned_data
        return photo_record(
            infant=infant,
            uploaded_by=request.user,
            data=data["image"].read(),
            taken_at=data["taken_at"],
            body_site=data["body_site"],
            card_rect=WHOLE_FRAME,
            idempotency_key=data["idempotency_key"],
        )

    return _keyed_form(
        request,
        PhotoForm,
        template="parents_web/photo_form.html",
        context=lambda form: {"infant": infant},
        record=record,
        done=lambda recorded: redirect(
            "parents_web:photo-result",
            infant_id=infant.public_id,
            photo_id=recorded.record.public_id,
        ),
    )


@parents_page
@require_http_methods(["GET"])
def photo_result(request, infant_id, photo_id):
    infant = get_object_or_404(my_infants(request.user), public_id=infant_id)
    photo = get_object_or_404(infant.photos.select_related("assessment"), public_id=photo_id)
    audit_view(
        actor=request.user, infant=infant, what="parents_web_photo", object_id=photo.public_id
    )
    assessment = getattr(photo, "assessment", None)
    language = _language(request.user)
    context = {"infant": infant, "photo": photo, "box": {}, "range": None, "fix": None}
    if photo.status == Photo.Status.USABLE and photo.estimate_low_mg_dl is not None:
        context["range"] = photo_range(photo)
    if photo.status == Photo.Status.UNUSABLE and photo.problem in RETAKE_FIXES:
        context["fix"] = RETAKE_FIXES[photo.problem]
    if assessment is not None:
        context["box"] = advice_box(infant, assessment, language)
        context["next_measurement_at"] = assessment.next_measurement_at
    return render(request, "parents_web/photo_result.html", context)


# --- Questions to the community doctor ------------------------------------------------------
@parents_page
@require_http_methods(["GET", "POST"])
def questions(request, infant_id):
    """Ask the community doctor about one baby, and read the answers (newest first)."""
    infant = get_object_or_404(my_infants(request.user), public_id=infant_id)

    def record(form):
        return question_ask(
            infant=infant,
            asked_by=request.user,
            text=form.cleaned_data["text"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )

    def done(recorded):
        # A fresh form below the list; the question just sent on top, marked.
        page = reverse("parents_web:questions", args=[infant.public_id])
        asked = recorded.record.public_id
        return redirect(f"{page}?key={new_form_key()}&asked={asked}#q-{asked}")

    def context(form):
        audit_view(actor=request.user, infant=infant, what="parents_web_questions")
        asked = (
            questions_visible_to(request.user)
            .filter(infant=infant)
            .select_related("answered_by")
            .order_by("-created_at", "-id")[:QUESTIONS_SHOWN]
        )
        return {"infant": infant, "questions": asked, "just_asked": request.GET.get("asked", "")}

    return _keyed_form(
        request,
        QuestionForm,
        template="parents_web/questions.html",
        context=context,
        record=record,
        done=done,
    )


# --- Articles -------------------------------------------------------------------------------
@parents_page(anonymous=True)
@require_http_methods(["GET"])
def articles(request):
    language = _language(request.user)
    query = request.GET.get("q", "").strip()
    found, error = articles_public(), None
    if query:
        try:
            found = article_search(found, search_terms(query))
        except ValidationError as refusal:
            error, found = " ".join(refusal.messages), found.none()
    items = [{"article": a, "title": a.title_in(language)} for a in found[:50]]
    return render(
        request,
        "parents_web/articles.html",
        {"items": items, "query": query, "error": error},
    )


@parents_page(anonymous=True)
@require_http_methods(["GET"])
def article(request, article_id):
    found = get_object_or_404(articles_public(), public_id=article_id)
    return _article_page(request, found, _language(request.user))


@parents_page(anonymous=True)
@require_http_methods(["GET"])
def education_link(request, token):
    """The link in a timed-education message: its first opening is recorded (the article is
    public, so the link works signed in or not), and the article shown in the language of the
    guardian it was sent to."""
    sent = education_opened(token)
    if sent is None:
        raise Http404
    found = get_object_or_404(articles_public(), pk=sent.rule.article_id)
    language = _language(sent.guardian)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return _article_page(request, found, language)


def _article_page(request, found, language: str):
    return render(
        request,
        "parents_web/article.html",
        {
            "article": found,
            "title": found.title_in(language),
            # Sanitised by the knowledge base (nh3): the only HTML of an article anyone gets.
            "body": mark_safe(markdown_to_html(found.body_in(language))),  # noqa: S308
        },
    )


# --- Consent --------------------------------------------------------------------------------
@parents_page
@require_http_methods(["GET"])
def consents(request):
    rows = my_consents(request.user).order_by("infant__birth_at", "id")
    return render(request, "parents_web/consents.html", {"rows": rows})


@parents_page
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, infant_id):
    guardianship = get_object_or_404(my_consents(request.user), infant__public_id=infant_id)
    # A resent confirmation (back button) finds it withdrawn already: the service keeps the
    # first time, and the parent lands on the list either way.
    if request.method == "POST" or guardianship.consent_withdrawn_at is not None:
        infant_services.consent_withdraw(infant=guardianship.infant, guardian=request.user)
        return redirect("parents_web:consents")
    return render(request, "parents_web/consent_withdraw.html", {"guardianship": guardianship})
