from django.apps import AppConfig


class ParentsWebConfig(AppConfig):
    name = "neocare.parents_web"
    label = "parents_web"
    verbose_name = "Parents' mobile web page"
