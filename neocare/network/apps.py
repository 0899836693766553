from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "neocare.network"
    verbose_name = "care network"
