"""The audit log is append-only for everyone, the application's own database user included."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION psykiatrihus_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER psykiatrihus_auditevent_append_only
    BEFORE UPDATE OR DELETE ON psykiatrihus_auditevent
    FOR EACH ROW EXECUTE FUNCTION psykiatrihus_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS psykiatrihus_auditevent_append_only ON psykiatrihus_auditevent;
DROP FUNCTION IF EXISTS psykiatrihus_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("psykiatrihus", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
