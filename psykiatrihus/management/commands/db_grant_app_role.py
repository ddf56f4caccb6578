"""`python manage.py db_grant_app_role psykiatrihus_app`: the rights the running application needs, no more.

Run by the migrate role (the owner of the tables) after every `migrate`. The application's own role may read
and write the tables but only INSERT into and SELECT from the audit log; since it owns no table and is no
superuser it cannot disable the audit log's triggers, truncate it or switch triggers off for its session
(`session_replication_role`). The command refuses a role that could: a superuser, the owner itself or a member
of the owner role.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

AUDIT_TABLE = "psykiatrihus_auditevent"


class Command(BaseCommand):
    help = ("Giv applikationens databaserolle ret til at læse og skrive tabellerne, men kun INSERT/SELECT på "
            "logbogen. Køres af migreringsrollen (tabellernes ejer) efter hver migrate.")

    def add_arguments(self, parser):
        parser.add_argument("role", help="applikationens rolle, fx psykiatrihus_app")

    def handle(self, *args, role: str, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"Rollen {role} findes ikke.")
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = %s", [AUDIT_TABLE])
            owner_row = cursor.fetchone()
            if owner_row is None:
                raise CommandError("Logbogens tabel findes ikke: kør migrate først.")
            owner = owner_row[0]
            cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
            if row[0] or cursor.fetchone()[0]:
                raise CommandError(f"Rollen {role} er superbruger, ejer tabellerne ({owner}) eller er medlem af "
                                   "ejerrollen: den kunne slå logbogens triggere fra. Brug en rolle uden de "
                                   "rettigheder.")
            quoted = connection.ops.quote_name(role)
            cursor.execute("SELECT current_schema()")
            schema = connection.ops.quote_name(cursor.fetchone()[0])
            with transaction.atomic():
                cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {quoted}")
                cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}")
                cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}")
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {quoted}")
        self.stdout.write(f"{role}: læse/skrive på tabellerne, kun INSERT og SELECT på logbogen (ejer: {owner}).")
