"""The model registry (issue #17): every trained risk model, what it learnt from and how it
scored, and which one serves. Only a clinician with the sign-off permission promotes one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskModelVersion(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered, not serving")
        SERVING = "serving", _("serving")
        RETIRED = "retired", _("served before")

    version = models.CharField(_("version"), max_length=120, unique=True)
    # The file kept in RISK_MODEL_REGISTRY_DIR, and its digest (a changed file is refused).
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    estimator = models.CharField(_("estimator"), max_length=64)
    training_data = models.TextField(_("training data"))
    training_infants = models.PositiveIntegerField(_("simulated infants"))
    training_readings = models.PositiveIntegerField(_("readings fitted"))
    real_infants = models.PositiveIntegerField(_("real infants"), default=0)
    real_weight = models.FloatField(_("weight of a real reading"), null=True, blank=True)
    # {"validation": {model: metrics}, "evaluation": [rows], "comparison": [rows]}
    metrics = models.JSONField(default=dict)
    watch_probability = models.FloatField(_("watch line"))
    review_probability = models.FloatField(_("review line"))
    calibration_plot = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("risk model version")
        verbose_name_plural = _("risk model versions")
        ordering = ["-registered_at", "-id"]
        permissions = [
            ("promote_riskmodelversion", _("Can sign off a risk model and promote it to serving"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="serving"),
                name="one_risk_model_serving",
            )
        ]

    def __str__(self) -> str:
        return self.version


class Promotion(models.Model):
    """One sign-off: a model put to serving (or back to it, a rollback), by whom and why."""

    class Action(models.TextChoices):
        PROMOTE = "promote", _("promoted")
        ROLLBACK = "rollback", _("rolled back to")
        BOOTSTRAP = "bootstrap", _("found serving when the registry began")

    version = models.ForeignKey(
        RiskModelVersion, on_delete=models.PROTECT, related_name="promotions"
    )
    previous = models.ForeignKey(
        RiskModelVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.version} ({self.at:%Y-%m-%d %H:%M})"
