"""Hospital systems as OAuth 2.0 clients (issue #16).

Each `SystemClient` is one hospital information system: a django-oauth-toolkit Application
(client credentials), the facility it belongs to and the scopes it may ask for. It acts
through its own service account (role `hospital_system`, attached to the facility), so the
one visibility rule (`infants_visible_to`) scopes it like everyone else and every call is
audited under its name.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemClient(models.Model):
    class Scope(models.TextChoices):
        PATIENT_READ = "system/Patient.read", _("read patients")
        PATIENT_WRITE = "system/Patient.write", _("hand over newborns (births and discharges)")
        OBSERVATION_READ = "system/Observation.read", _("read observations")
        OBSERVATION_WRITE = "system/Observation.write", _("write laboratory results")

    name = models.CharField(_("name"), max_length=100, unique=True)
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="system_client"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="system_client"
    )
    scopes = models.JSONField(_("scopes"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hospital system")
        verbose_name_plural = _("hospital systems")

    def __str__(self) -> str:
        return self.name

    @property
    def facility(self):
        return self.user.facility
