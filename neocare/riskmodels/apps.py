from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskModelsConfig(AppConfig):
    name = "neocare.riskmodels"
    verbose_name = _("risk models")
