from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Borgere og kontrakter"

    def ready(self) -> None:
        from contracts import demo
        from psykiatrihus.demo import demo_register

        demo_register(name="contracts", seed=demo.seed, order=10)
        # The kernel's Access asks this app which citizens a sector has (psykiatrihus.scoping knows no app).
        from contracts import scope
        from psykiatrihus.scoping import register_citizen_scope

        register_citizen_scope(scope)

        from contracts import fhir

        fhir.register()
