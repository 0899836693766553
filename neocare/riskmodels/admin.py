"""The registry in the Django admin: every model with its training data, metrics and
calibration plot; "Promote to serving" and "Roll back" for clinicians with the sign-off
permission, each with a written reason (services.promote)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from neocare.riskmodels import monitoring, services
from neocare.riskmodels.models import Promotion, RiskModelVersion

METRICS = (
    ("auroc", _("AUROC"), "{:.4f}"),
    ("average_precision", _("average precision"), "{:.3f}"),
    ("calibration_slope", _("calibration slope"), "{:.3f}"),
    ("flagged_share_at_sensitivity_98", _("infants flagged at sensitivity ≥ 0.98"), "{:.2%}"),
)


# The candidates and baselines by name (risk_model.model), in words.
MODEL_NAMES = {
    "hist_gradient_boosting": _("gradient boosting"),
    "logistic_regression": _("logistic regression"),
    "aap_gap_rule": _("AAP gap rule"),
    "nomogram_zone": _("Bhutani nomogram zone"),
    "selected model": _("selected model"),
    "candidate": _("candidate"),
    "baseline": _("baseline"),
    "champion (served)": _("champion (served)"),
    "challenger": _("challenger"),
}


def _named(code):
    return MODEL_NAMES.get(code, code)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the sign-off"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("What you compared and why this model should serve. Kept in the audit trail."),
    )


def _table(rows: list[dict], first: str) -> str:
    head = format_html_join("", "<th>{}</th>", ((str(label),) for _k, label, _f in METRICS))
    body = format_html_join(
        "",
        "<tr><td>{}</td>{}</tr>",
        (
            (
                _named(row.get(first) or row.get("name") or ""),
                format_html_join(
                    "",
                    "<td>{}</td>",
                    (
                        (fmt.format(row[k]) if row.get(k) is not None else "—",)
                        for k, _l, fmt in METRICS
                    ),
                ),
            )
            for row in rows
        ),
    )
    return format_html("<table><tr><th></th>{}</tr>{}</table>", head, body)


def _chart(deciles: list[dict], size: int = 320, margin: int = 40) -> dict:
    """Observed against predicted by decile, as points for an inline SVG (0 to the largest
    value on both axes; the diagonal is perfect calibration)."""
    top = max([0.05, *(d["predicted"] for d in deciles), *(d["observed"] for d in deciles)])
    span = size - 2 * margin

    def x(v):
        return round(margin + v / top * span, 1)

    def y(v):
        return round(size - margin - v / top * span, 1)

    return {
        "size": size,
        "low": (x(0), y(0)),
        "high": (x(top), y(top)),
        "top": f"{top:.0%}",
        "points": [{"x": x(d["predicted"]), "y": y(d["observed"]), **d} for d in deciles],
    }


@admin.register(RiskModelVersion)
class RiskModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "status",
        "estimator_name",
        "training_infants",
        "real_infants",
        "validation_auroc",
        "registered_at",
    ]
    list_filter = ["status"]
    readonly_fields = [
        "version",
        "status",
        "estimator_name",
        "training_summary",
        "training_infants",
        "training_readings",
        "real_infants",
        "watch_probability",
        "review_probability",
        "validation",
        "evaluation",
        "comparison",
        "plot",
        "sign_off",
        "history",
        "registered_at",
        "registered_by",
        "sha256",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # `manage.py register_risk_model FILE` registers a trained file

    def has_delete_permission(self, request, obj=None):
        return False  # an audit trail of what served

    @admin.display(description=_("training data"))
    def training_summary(self, obj):
        if not obj.real_infants:
            return gettext("Simulated infants only (no patient data).")
        return gettext(
            "Simulated infants and %(n)d real infants from the programme's outcomes, each real "
            "reading weighing %(w)g simulated ones."
        ) % {"n": obj.real_infants, "w": obj.real_weight or 1}

    @admin.display(description=_("estimator"))
    def estimator_name(self, obj):
        return _named(obj.estimator)

    @admin.display(description=_("validation AUROC"))
    def validation_auroc(self, obj):
        chosen = obj.metrics.get("validation", {}).get(obj.estimator, {})
        return f"{chosen['auroc']:.4f}" if "auroc" in chosen else "—"

    @admin.display(description=_("validation (simulated, at training)"))
    def validation(self, obj):
        rows = [{"name": name, **m} for name, m in obj.metrics.get("validation", {}).items()]
        return _table(rows, "name")

    @admin.display(description=_("held-out simulated cohort"))
    def evaluation(self, obj):
        return _table(obj.metrics["evaluation"], "name") if "evaluation" in obj.metrics else "—"

    @admin.display(description=_("real outcomes held out by time (champion / challenger)"))
    def comparison(self, obj):
        if "comparison" not in obj.metrics:
            return gettext("Not compared on real outcomes yet.")
        return _table(obj.metrics["comparison"], "role")

    @admin.display(description=_("calibration plot"))
    def plot(self, obj):
        if not obj.calibration_plot:
            return "—"
        url = reverse("admin:riskmodels_riskmodelversion_plot", args=[obj.pk])
        return format_html('<img src="{}" alt="{}" width="480">', url, gettext("calibration plot"))

    @admin.display(description=_("sign-off"))
    def sign_off(self, obj):
        links = []
        if obj.status != RiskModelVersion.Status.SERVING:
            url = reverse("admin:riskmodels_riskmodelversion_promote", args=[obj.pk])
            links.append(
                format_html(
                    '<a class="button" href="{}">{}</a>', url, gettext("Promote to serving")
                )
            )
        else:
            url = reverse("admin:riskmodels_riskmodelversion_rollback")
            links.append(
                format_html('<a class="button" href="{}">{}</a>', url, gettext("Roll back"))
            )
        return format_html_join(" ", "{}", ((link,) for link in links))

    @admin.display(description=_("promotions"))
    def history(self, obj):
        rows = Promotion.objects.filter(version=obj).select_related("by")
        if not rows:
            return "—"
        return format_html_join(
            "",
            "<p>{} · {} · {}: {}</p>",
            (
                (
                    f"{p.at:%Y-%m-%d %H:%M}",
                    p.get_action_display(),
                    p.by.get_username() if p.by else gettext("system"),
                    p.reason,
                )
                for p in rows
            ),
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/promote/",
                self.admin_site.admin_view(self.promote_view),
                name="riskmodels_riskmodelversion_promote",
            ),
            path(
                "rollback/",
                self.admin_site.admin_view(self.rollback_view),
                name="riskmodels_riskmodelversion_rollback",
            ),
            path(
                "monitoring/",
                self.admin_site.admin_view(self.monitoring_view),
                name="riskmodels_riskmodelversion_monitoring",
            ),
            path(
                "<int:pk>/plot.png",
                self.admin_site.admin_view(self.plot_view),
                name="riskmodels_riskmodelversion_plot",
            ),
        ]
        return own + super().get_urls()

    def _sign_off(self, request, *, entry, title, act):
        if not request.user.has_perm(services.PERMISSION):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                act(form.cleaned_data["reason"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    gettext("Done: the service now scores with %(version)s.")
                    % {"version": services.serving().version},
                )
                return redirect("admin:riskmodels_riskmodelversion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "entry": entry,
            "serving": services.serving(),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/riskmodels/sign_off.html", context)

    def promote_view(self, request, pk):
        entry = get_object_or_404(RiskModelVersion, pk=pk)
        return self._sign_off(
            request,
            entry=entry,
            title=gettext("Promote a risk model to serving"),
            act=lambda reason: services.promote(entry, by=request.user, reason=reason),
        )

    def rollback_view(self, request):
        return self._sign_off(
            request,
            entry=services.previous(),
            title=gettext("Roll back to the model that served before"),
            act=lambda reason: services.rollback(by=request.user, reason=reason),
        )

    def changelist_view(self, request, extra_context=None):
        extra = {"monitoring_url": reverse("admin:riskmodels_riskmodelversion_monitoring")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def monitoring_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = monitoring.report()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("How the served risk model is doing"),
            "report": found,
            "chart": _chart(found.deciles),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/riskmodels/monitoring.html", context)

    def plot_view(self, request, pk):
        entry = get_object_or_404(RiskModelVersion, pk=pk)
        if not entry.calibration_plot:
            raise Http404
        return FileResponse(
            (services.registry_dir() / entry.calibration_plot).open("rb"), content_type="image/png"
        )


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "version", "previous", "by"]
    readonly_fields = ["at", "action", "version", "previous", "by", "reason"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
