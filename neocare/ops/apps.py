from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "neocare.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from neocare.ops import metrics, requests

        metrics.register()
        requests.connect_celery()
