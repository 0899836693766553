from django.apps import AppConfig


class InfantsConfig(AppConfig):
    name = "neocare.infants"
