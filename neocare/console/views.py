"""The clinician console and the regional dashboard (issue #7): server-rendered pages over the
same selectors and services as the API — scope from `infants_visible_to` / `alerts_visible_to`
/ `referrals_visible_to`, every change through the alerts and infants services. A page for
another role answers 404, as the API does.
"""

import csv
import io
from base64 import b32encode
from datetime import datetime, timedelta
from functools import wraps

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.qr import write_qrcode_image

from neocare.alerts import services as alert_services
from neocare.alerts.models import ACTIVE, Alert, Referral
from neocare.alerts.selectors import alerts_visible_to, referrals_visible_to
from neocare.audit.services import audit_list, audit_view
from neocare.console import rollups, selectors, stats
from neocare.console.chart import bilirubin_svg, dashboard_charts
from neocare.console.units import preferred_unit
from neocare.infants.assessments import assessment_latest
from neocare.infants.models import ActionLevel, Infant
from neocare.infants.selectors import infants_visible_to
from neocare.infants.services import break_glass_open, plan_request_close
from neocare.network.models import Facility, User
from neocare.network.places import hospitals_by_distance
from neocare.network.two_factor import (
    confirmed_device,
    enrolment_confirm,
    enrolment_device,
    needs_second_factor,
)
from neocare.network.two_factor import verify as two_factor_verify
from neocare.photos.models import Photo
from risk_model.units import Unit

Role = User.Role
DOCTORS = (Role.COMMUNITY_DOCTOR, Role.DISTRICT_DOCTOR)
CLINICIANS = (*DOCTORS, Role.PAEDIATRICIAN)
HOME = {
    Role.COMMUNITY_DOCTOR: "console:triage",
    Role.DISTRICT_DOCTOR: "console:triage",
    Role.PAEDIATRICIAN: "console:referrals",
    Role.HEALTH_ADMIN: "console:region",
}


def for_roles(*roles):
    """Signed-in staff of these roles only; anyone else gets 404 (as out of scope). Accounts
    that need a second factor are sent to give it first."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404
            if needs_second_factor(request.user) and not request.user.is_verified():
                return redirect_to_login(request.get_full_path(), reverse("console:two-factor"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


class StaffSignInForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.role not in HOME:
            raise ValidationError(
                _("This console is for clinicians and administrators."), code="not_staff"
            )


class SignInView(auth_views.LoginView):
    template_name = "console/sign_in.html"
    form_class = StaffSignInForm
    redirect_authenticated_user = True


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app (or a recovery code)"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def two_factor(request):
    """The second factor: a code from the authenticator app, or setting one up (QR code, then a
    code, then ten recovery codes shown once)."""
    user = request.user
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if not needs_second_factor(user) or user.is_verified():
        return redirect(target or "console:home")
    enrolled = confirmed_device(user) is not None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if enrolled:
            device = two_factor_verify(user, code)
            if device is not None:
                otp_login(request, device)
                return redirect(target or "console:home")
        else:
            confirmed = enrolment_confirm(user, code)
            if confirmed is not None:
                device, codes = confirmed
                otp_login(request, device)
                return render(
                    request,
                    "console/recovery_codes.html",
                    {"codes": codes, "next": target or reverse("console:home")},
                )
        form.add_error("code", _("This code is not right. Check the time on your phone."))
    context = {"form": form, "enrolled": enrolled, "next": target}
    if not enrolled:
        device = enrolment_device(user)
        out = io.BytesIO()
        write_qrcode_image(device.config_url, out)
        context.update(qr_svg=out.getvalue().decode(), secret=b32encode(device.bin_key).decode())
    return render(
        request,
        "console/two_factor.html",
        context,
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@login_required
def home(request):
    if request.user.role not in HOME:
        raise Http404
    return redirect(HOME[request.user.role])


@require_POST
@login_required
def display_unit(request):
    """The bilirubin unit this clinician sees first (kept on the account)."""
    if request.user.role not in HOME:
        raise Http404
    unit = request.POST.get("display_unit", "")
    if unit not in {u.value for u in Unit}:
        return HttpResponse(_("Choose µmol/L or mg/dL."), status=400)
    request.user.display_unit = unit
    request.user.save(update_fields=["display_unit"])
    return _back(request, "console:home")


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# --- Triage queue ---------------------------------------------------------------------------------
class TriageFilter(forms.Form):
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        required=False,
        choices=[("", gettext_lazy("all"))]
        + [
            c
            for c in ActionLevel.code_choices()
            if ActionLevel.from_code(c[0]) >= ActionLevel.DOCTOR_REVIEW
        ],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("open or acknowledged")),
            (Alert.Status.OPEN, gettext_lazy("open")),
            (Alert.Status.ACKNOWLEDGED, gettext_lazy("acknowledged")),
        ],
    )
    centre = forms.ModelChoiceField(
        label=gettext_lazy("Centre"),
        required=False,
        queryset=Facility.objects.none(),
        empty_label=gettext_lazy("all centres"),
    )


@for_roles(*DOCTORS)
def triage(request):
    form = TriageFilter(request.GET or None)
    # The centres that have an alert the doctor can see: one EXISTS per centre, which stops at
    # the first alert (the IN over every alert took 95 ms at 1,000,000 infants).
    centres = Facility.objects.filter(
        Exists(alerts_visible_to(request.user).filter(centre=OuterRef("pk")))
    ).order_by("name")
    form.fields["centre"].queryset = centres
    alerts = alerts_visible_to(request.user)
    if form.is_valid():
        if form.cleaned_data["severity"]:
            alerts = alerts.filter(severity=form.cleaned_data["severity"])
        if form.cleaned_data["status"]:
            alerts = alerts.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["centre"]:
            alerts = alerts.filter(centre=form.cleaned_data["centre"])
    rows = selectors.triage_rows(alerts)
    audit_list(actor=request.user, infants=[r["infant"] for r in rows], what="console_triage")
    return render(request, "console/triage.html", {"form": form, "rows": rows})


@require_POST
@for_roles(*DOCTORS)
def alert_acknowledge(request, alert_id):
    alert = get_object_or_404(alerts_visible_to(request.user), public_id=alert_id)
    alert_services.alert_acknowledge(alert=alert, by=request.user)
    return _back(request, "console:triage")


# --- Infant record -------------------------------------------------------------------------------
class ReferForm(forms.Form):
    hospital = forms.ModelChoiceField(
        label=gettext_lazy("Hospital"),
        queryset=Facility.objects.filter(tier=Facility.Tier.TERTIARY_HOSPITAL),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500)


class PlanCloseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is closed"), max_length=500)


class CallForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=gettext_lazy("Parents reached?"),
        choices=[("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))],
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=1000, widget=forms.Textarea
    )


class ResolveForm(forms.Form):
    # No default: the doctor says what happened (an emergency is never "measured again, fine"
    # by a slip of the mouse).
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("", gettext_lazy("— choose what happened —")), *Alert.Outcome.choices],
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=1000)


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's own date-and-time picker; the value is local time (Asia/Shanghai)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Referral.Status.choices)
    treatment = forms.ChoiceField(
        label=gettext_lazy("Treatment given"),
        required=False,
        choices=[("", "—")] + list(Referral.Treatment.choices),
    )
    # Phototherapy goes on the record with its times: its end starts the rebound follow-up.
    phototherapy_started_at = forms.DateTimeField(
        label=gettext_lazy("Phototherapy started"), required=False, widget=LocalDateTimeInput()
    )
    phototherapy_stopped_at = forms.DateTimeField(
        label=gettext_lazy("Phototherapy stopped"), required=False, widget=LocalDateTimeInput()
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need this record?"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea,
    )


def _record_or_break_glass(request, infant_id) -> Infant | None:
    infant = infants_visible_to(request.user).filter(public_id=infant_id).first()
    if infant is None and request.user.role != Role.PAEDIATRICIAN:
        raise Http404
    return infant


@for_roles(*CLINICIANS)
def infant_record(request, infant_id):
    infant = _record_or_break_glass(request, infant_id)
    if infant is None:
        # Shown for any id, so that the page does not tell whether the infant exists.
        return render(
            request,
            "console/break_glass.html",
            {"form": BreakGlassForm(), "infant_id": infant_id},
            status=404,
        )
    audit_view(actor=request.user, infant=infant, what="console_record")
    readings = list(infant.readings.order_by("measured_at"))
    photos = list(infant.photos.filter(status=Photo.Status.USABLE).order_by("taken_at"))
    latest = assessment_latest(infant)
    kinds = {k for k in request.GET.getlist("kind") if k in selectors.KINDS}
    summary = selectors.record_summary(infant, readings, latest)
    context = {
        "infant": infant,
        "summary": summary,
        "chart": bilirubin_svg(infant, readings, photos, unit=preferred_unit(request.user)),
        "latest": latest,
        "active_alert": summary["active_alert"],
        "timeline": selectors.record_timeline(infant, kinds),
        "kinds": selectors.KINDS,
        "kinds_shown": kinds,
        "trend_hours": selectors.TREND_HOURS,
        "referrals": infant.referrals.select_related("hospital").order_by("-created_at"),
        "plan": selectors.plan_rows(infant, request.LANGUAGE_CODE),
        "plan_close_form": PlanCloseForm(),
    }
    if request.user.role in DOCTORS:
        ranked = hospitals_by_distance(infant.registered_centre)
        context["refer_form"] = ReferForm(initial={"hospital": ranked[0][0] if ranked else None})
        context["distances"] = ranked
        context["call_form"] = CallForm()
        context["resolve_form"] = ResolveForm()
    else:
        context["referral_form"] = ReferralUpdateForm()
        context["my_referrals"] = [
            r for r in context["referrals"] if r.hospital_id == request.user.facility_id
        ]
    return render(request, "console/infant.html", context)


@require_POST
@for_roles(Role.PAEDIATRICIAN)
def break_glass(request, infant_id):
    form = BreakGlassForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "console/break_glass.html",
            {"form": form, "infant_id": infant_id},
            status=400,
        )
    with transaction.atomic():
        # As in the API: the one lookup beyond scope, for paediatricians, audited with the reason.
        infant = get_object_or_404(Infant, public_id=infant_id)
        break_glass_open(
            paediatrician=request.user, infant=infant, reason=form.cleaned_data["reason"]
        )
    return redirect("console:infant", infant_id=infant_id)


def _doctor_action(request, infant_id, form_class, act):
    infant = get_object_or_404(infants_visible_to(request.user), public_id=infant_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(infant, form.cleaned_data)
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=400)
        except PermissionDenied:
            raise Http404 from None
    else:
        return HttpResponse(form.errors.as_text(), status=400)
    return redirect("console:infant", infant_id=infant_id)


@require_POST
@for_roles(*DOCTORS)
def refer(request, infant_id):
    def act(infant, data):
        alert_services.referral_create(
            infant=infant, by=request.user, hospital=data["hospital"], reason=data["reason"]
        )

    return _doctor_action(request, infant_id, ReferForm, act)


@require_POST
@for_roles(*CLINICIANS)
def plan_close(request, infant_id, request_id):
    """A clinician closes a request of the follow-up plan with a reason (the API's service)."""
    infant = get_object_or_404(infants_visible_to(request.user), public_id=infant_id)
    asked = get_object_or_404(infant.requests, public_id=request_id)
    form = PlanCloseForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    try:
        plan_request_close(request=asked, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return redirect("console:infant", infant_id=infant_id)


@require_POST
@for_roles(*DOCTORS)
def record_call(request, infant_id):
    def act(infant, data):
        alert_services.call_record(
            infant=infant, by=request.user, reached=data["reached"], note=data["note"]
        )

    return _doctor_action(request, infant_id, CallForm, act)


@require_POST
@for_roles(*DOCTORS)
def resolve(request, infant_id):
    def act(infant, data):
        alert = infant.alerts.filter(status__in=ACTIVE).first()
        if alert is None:
            raise ValidationError(_("There is no active alert."))
        alert_services.alert_resolve(
            alert=alert, by=request.user, outcome=data["outcome"], note=data["note"]
        )

    return _doctor_action(request, infant_id, ResolveForm, act)


@require_POST
@for_roles(Role.PAEDIATRICIAN)
def referral_update(request, referral_id):
    referral = get_object_or_404(referrals_visible_to(request.user), public_id=referral_id)
    form = ReferralUpdateForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    try:
        alert_services.referral_update(referral=referral, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return _back(request, "console:referrals")


# --- Referrals inbox (paediatricians) ------------------------------------------------------------
@for_roles(Role.PAEDIATRICIAN)
def referrals(request):
    rows = selectors.referral_rows(referrals_visible_to(request.user))
    audit_list(actor=request.user, infants=[r.infant for r in rows], what="console_referrals")
    return render(request, "console/referrals.html", {"referrals": rows})


# --- District overview (district doctors) --------------------------------------------------------
@for_roles(Role.DISTRICT_DOCTOR)
def district(request):
    district = request.user.facility.district
    return render(
        request,
        "console/district.html",
        {"district": district, "rows": stats.district_overview(district)},
    )


# --- Regional dashboard (administrators) ---------------------------------------------------------
class IsoDateInput(forms.DateInput):
    """The browser's date picker: its value is always ISO (2026-10-31), whatever the page's
    language; the browser shows it in the reader's own format."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=IsoDateInput())
    end = forms.DateField(label=gettext_lazy("To"), widget=IsoDateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("The period must start before it ends."))
        return data


def _period(request) -> tuple[PeriodForm, datetime, datetime]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today - timedelta(days=29), "end": today})
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = today - timedelta(days=29), today
    # Whole local days, as the roll-ups count them.
    return form, rollups.day_bounds(start)[0], rollups.day_bounds(end)[1]


@for_roles(Role.HEALTH_ADMIN)
def region(request):
    form, start, end = _period(request)
    tables = stats.regional_dashboard(request.user.region, start, end)
    return render(
        request,
        "console/region.html",
        {
            "form": form,
            "tables": tables,
            "charts": dashboard_charts(tables),
            "query": request.GET.urlencode(),
            "limit": stats.SMALL_CELL_LIMIT,
            "counted_at": rollups.counted_at(),
        },
    )


@for_roles(Role.HEALTH_ADMIN)
def region_csv(request, table):
    _, start, end = _period(request)
    tables = stats.regional_dashboard(request.user.region, start, end)
    if table not in tables:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="neocare-{table}.csv"'
    writer = csv.writer(response)
    writer.writerows(tables[table].csv_rows())
    return response
