from django.apps import AppConfig


class BedsConfig(AppConfig):
    name = "beds"
    verbose_name = "Senge og ophold"

    def ready(self) -> None:
        from beds import fhir
        from beds.views.sections import free_tonight_section
        from psykiatrihus.sections import section_register

        section_register(page="home", key="beds.free_tonight", render=free_tonight_section, order=10)
        fhir.register()
