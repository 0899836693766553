from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "neocare.followup"
    verbose_name = "follow-up plan"
