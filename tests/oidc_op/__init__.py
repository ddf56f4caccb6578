"""A real OpenID Connect provider for the single sign-on tests: django-oidc-provider in a small Django project
of its own, run by the tests in a subprocess on 127.0.0.1 with its own PostgreSQL database."""
