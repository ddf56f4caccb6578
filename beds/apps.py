from django.apps import AppConfig


class BedsConfig(AppConfig):
    name = "beds"
    verbose_name = "Senge og ophold"

    def ready(self) -> None:
        from beds import demo, demo_houses, fhir
        from beds.services import beds_ensure
        from beds.views.sections import (
            citizen_course_section,
            contract_stays_section,
            extensions_pending_section,
            free_tonight_section,
        )
        from psykiatrihus.demo import demo_register
        from psykiatrihus.sections import section_register
        from psykiatrihus.services import house_setup_hook_register

        section_register(page="home", key="beds.free_tonight", render=free_tonight_section, order=10)
        section_register(page="citizen", key="beds.course", render=citizen_course_section, order=20)
        section_register(page="contract", key="beds.stays", render=contract_stays_section, order=20)
        section_register(page="dashboard_now", key="beds.extensions_pending", render=extensions_pending_section,
                         order=10)
        fhir.register()
        house_setup_hook_register(beds_ensure)  # a house's beds are set up with the house
        demo_register(name="beds", seed=demo.seed, order=20)
        demo_register(name="other_houses", seed=demo_houses.seed, order=90)
