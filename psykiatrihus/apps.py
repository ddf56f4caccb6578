from django.apps import AppConfig


class PsykiatrihusConfig(AppConfig):
    name = "psykiatrihus"
    verbose_name = "Psykiatrihus"
