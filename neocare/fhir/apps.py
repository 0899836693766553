from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "neocare.fhir"
    verbose_name = "FHIR R4 interface for hospital systems"
