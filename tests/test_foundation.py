import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from beds.models import Bed
from psykiatrihus.models import AuditEvent, House
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log

ROOT = Path(__file__).resolve().parent.parent


def _run_python(code: str, env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in env_overrides}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-prod-secret-key-for-tests-only-" + "y" * 20,
    "PERSONAL_DATA_KEY": "p" * 40,
    "ALLOWED_HOSTS": "psykiatrihus.example.dk",
    "CELERY_BROKER_URL": "redis://localhost:6379/0",
}


class TestSettingsFromEnvironment:
    def test_production_settings_pass_check_deploy_without_warnings(self, settings):
        env = dict(PROD_ENV, DATABASE_URL=os.environ.get("DATABASE_URL") or _embedded_url())
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
            cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "WARNINGS" not in result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_missing_secret_key_in_production_fails_loudly(self):
        env = dict(PROD_ENV, DATABASE_URL="postgresql://u:p@localhost/x", SECRET_KEY=None)
        result = _run_python("import django; django.setup()",
                             {**env, "DJANGO_SETTINGS_MODULE": "psykiatrihus.settings"})
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr

    def test_bad_boolean_is_refused(self):
        result = _run_python("import django; django.setup()",
                             {"DEBUG": "maybe", "DJANGO_SETTINGS_MODULE": "psykiatrihus.settings"})
        assert result.returncode != 0
        assert "DEBUG must be a boolean" in result.stderr

    def test_values_are_read_from_environment(self):
        code = (
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL)"
        )
        env = dict(PROD_ENV, DATABASE_URL="postgresql://u:p@db.example:5432/husdb",
                   CELERY_BROKER_URL="redis://cache.example:6379/3", DJANGO_SETTINGS_MODULE="psykiatrihus.settings")
        result = _run_python(code, env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "False ['psykiatrihus.example.dk'] husdb redis://cache.example:6379/3"

    def test_embedded_default_uses_postgresql_not_sqlite(self):
        assert connection.vendor == "postgresql"


def _embedded_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER']}:@/{db['NAME']}?host={db['HOST']}"


class TestSetupHouse:
    def test_creates_beds_and_is_idempotent(self, db):
        args = ["--slug", "aarhus", "--name", "Psykiatriens Hus i Aarhus", "--municipal-beds", "8",
                "--regional-beds", "8", "--faerdigbehandling-beds", "2"]
        call_command("setup_house", *args)
        first = list(Bed.objects.order_by("label").values_list("label", "sector", "may_be_faerdigbehandling", "pk"))
        call_command("setup_house", *args)
        second = list(Bed.objects.order_by("label").values_list("label", "sector", "may_be_faerdigbehandling", "pk"))
        assert first == second
        assert House.objects.count() == 1
        labels = {label: (sector, fb) for label, sector, fb, _ in first}
        assert len(labels) == 16
        assert labels["K1"] == ("kommune", False)
        assert labels["K6"] == ("kommune", False)
        assert labels["K7"] == ("kommune", True)
        assert labels["K8"] == ("kommune", True)
        assert labels["R1"] == ("region", False)
        assert not any(fb for label, (s, fb) in labels.items() if label.startswith("R"))

    def test_shrinking_deactivates_instead_of_deleting(self, db):
        call_command("setup_house", "--slug", "x", "--name", "X", "--municipal-beds", "3", "--regional-beds", "2")
        call_command("setup_house", "--slug", "x", "--name", "X", "--municipal-beds", "2", "--regional-beds", "2")
        assert Bed.objects.filter(house__slug="x").count() == 5
        assert not Bed.objects.get(label="K3").active
        assert House.objects.get(slug="x").default_stay_frame_nights == 3
        assert House.objects.get(slug="x").small_number_threshold == 5

    def test_too_many_faerdigbehandling_beds_is_an_error(self, db):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError):
            call_command("setup_house", "--slug", "x", "--name", "X", "--municipal-beds", "1",
                         "--faerdigbehandling-beds", "2")
        assert not House.objects.filter(slug="x").exists()


class TestSeedDemo:
    def test_running_twice_changes_nothing(self, demo_db):
        """`demo_db` is what one `seed_demo` run left (the session's template); this is the second run."""
        from django.contrib.auth import get_user_model

        counts = _table_counts()
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        assert _table_counts() == counts
        usernames = set(get_user_model().objects.values_list("username", flat=True))
        assert {"kommune", "region", "peer", "leder", "styregruppe", "admin", "vikar", "styregruppe-midt"} <= usernames


def _table_counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.label != "sessions.Session"
            and m._meta.label != "psykiatrihus.AuditEvent"}


class TestAccess:
    def test_roles_give_the_documented_sectors(self, house, users):
        kommune = access_for(users["kommune"], house)
        region = access_for(users["region"], house)
        steering = access_for(users["styregruppe"], house)
        outsider = access_for(users["outsider"], house)
        assert kommune.citizen_sectors == {"kommune"} and kommune.booking_sectors == {"kommune"}
        assert region.citizen_sectors == {"region"} and region.health_sectors == {"region"}
        assert kommune.health_sectors == frozenset()
        assert steering.citizen_sectors == frozenset() and steering.sees_reports
        assert access_for(users["peer"], house).citizen_sectors == frozenset()
        assert access_for(users["admin"], house).citizen_sectors == frozenset()
        assert not outsider.is_member and not outsider.sees_citizens

    def test_membership_in_one_house_gives_nothing_in_another(self, house, other_house, users):
        assert not access_for(users["kommune"], other_house).is_member

    def test_filter_sector_scopes_beds(self, house, users):
        kommune = access_for(users["kommune"], house)
        labels = set(kommune.filter_sector(Bed.objects.all()).values_list("label", flat=True))
        assert labels == {f"K{i}" for i in range(1, 9)}
        assert not access_for(users["styregruppe"], house).filter_sector(Bed.objects.all()).exists()


class TestAuditLog:
    def test_append_only_at_database_level(self, house, users):
        event = audit_log(user=users["leder"], action="read", object_type="test", object_id=1, house=house)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(detail="changed")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).detail == ""

    def test_leader_can_search_and_staff_cannot(self, house, users, client_for):
        audit_log(user=users["kommune"], action="read", object_type="contracts.citizen", object_id=7, house=house)
        response = client_for("leder").get("/logbog/", {"user": "kommune"})
        assert response.status_code == 200
        assert "contracts.citizen 7" in response.content.decode()
        assert client_for("kommune").get("/logbog/").status_code == 403
        assert client_for("styregruppe").get("/logbog/").status_code == 403
