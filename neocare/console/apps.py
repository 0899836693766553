from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "neocare.console"
    verbose_name = "Clinician console"
