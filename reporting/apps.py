from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapporter"

    def ready(self) -> None:
        from psykiatrihus.demo import demo_register
        from reporting import demo, fhir

        fhir.register()
        # after the other houses (beds' "other_houses", 90): the reports need Silkeborg and its leader
        demo_register(name="reports", seed=demo.seed, order=95)
