from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Aktiviteter"

    def ready(self) -> None:
        from activities import demo
        from psykiatrihus.demo import demo_register

        demo_register(name="activities", seed=demo.seed, order=30)

        from activities.sections import citizen_attended_section
        from psykiatrihus.sections import section_register

        section_register(page="citizen", key="activities.attended", render=citizen_attended_section, order=30)
