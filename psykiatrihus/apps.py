from django.apps import AppConfig


class PsykiatrihusConfig(AppConfig):
    name = "psykiatrihus"
    verbose_name = "Psykiatrihus"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from psykiatrihus.context_processors import remember_beds_navigation_at_login

        user_logged_in.connect(remember_beds_navigation_at_login, dispatch_uid="psykiatrihus-beds-nav")
