"""The audit log refuses TRUNCATE too, and every event is chained by hash to the previous event of its house.

The chain is computed by the database, in a BEFORE INSERT trigger under a transaction-scoped advisory lock per
house (the two-key form, a key space apart from the single-key locks in beds/locks.py): a second writer of the
same house waits until the first commits and then chains onto its event, so concurrent writers cannot fork the
chain; the unique (house, seq) constraint refuses a fork if one ever got through (e.g. REPEATABLE READ).
The canonical form is repeated in `psykiatrihus/audit_chain.py`, which `manage.py audit_verify` uses to check
the chain independently of these functions. Existing events are chained in id order.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Coalesce

FORWARD = r"""
CREATE FUNCTION psykiatrihus_audit_field(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT length(coalesce(value, '')) || ':' || coalesce(value, '') || ';'
$$;

CREATE FUNCTION psykiatrihus_audit_hash(e psykiatrihus_auditevent) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(
        'psykiatrihus-audit-v1;'
        || psykiatrihus_audit_field(e.id::text)
        || psykiatrihus_audit_field(coalesce(e.house_id, 0)::text)
        || psykiatrihus_audit_field(e.seq::text)
        || psykiatrihus_audit_field(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || psykiatrihus_audit_field(e.user_id::text)
        || psykiatrihus_audit_field(e.username)
        || psykiatrihus_audit_field(e.action)
        || psykiatrihus_audit_field(e.object_type)
        || psykiatrihus_audit_field(e.object_id)
        || psykiatrihus_audit_field(e.citizen_id::text)
        || psykiatrihus_audit_field(e.detail)
        || psykiatrihus_audit_field(e.path)
        || psykiatrihus_audit_field(e.prev_hash),
        'UTF8')), 'hex')
$$;

CREATE FUNCTION psykiatrihus_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    chain bigint := coalesce(NEW.house_id, 0);
    last_seq bigint;
    last_hash text;
BEGIN
    -- 1635083369 = 'audi': the audit log's key space; the second key is the house (0 = no house).
    PERFORM pg_advisory_xact_lock(1635083369, (chain % 2147483647)::int);
    SELECT seq, hash INTO last_seq, last_hash FROM psykiatrihus_auditevent
        WHERE coalesce(house_id, 0) = chain ORDER BY coalesce(house_id, 0) DESC, seq DESC LIMIT 1;
    IF FOUND THEN
        NEW.seq := last_seq + 1;
        NEW.prev_hash := last_hash;
    ELSE
        NEW.seq := 1;
        NEW.prev_hash := '';
    END IF;
    NEW.hash := psykiatrihus_audit_hash(NEW);
    RETURN NEW;
END;
$$;

ALTER TABLE psykiatrihus_auditevent DISABLE TRIGGER psykiatrihus_auditevent_append_only;
DO $$
DECLARE
    r psykiatrihus_auditevent;
    current_chain bigint := -1;
    n bigint := 0;
    previous text := '';
BEGIN
    FOR r IN SELECT * FROM psykiatrihus_auditevent ORDER BY coalesce(house_id, 0), id LOOP
        IF coalesce(r.house_id, 0) <> current_chain THEN
            current_chain := coalesce(r.house_id, 0);
            n := 0;
            previous := '';
        END IF;
        n := n + 1;
        r.seq := n;
        r.prev_hash := previous;
        r.hash := psykiatrihus_audit_hash(r);
        UPDATE psykiatrihus_auditevent SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        previous := r.hash;
    END LOOP;
END;
$$;
ALTER TABLE psykiatrihus_auditevent ENABLE TRIGGER psykiatrihus_auditevent_append_only;

CREATE TRIGGER psykiatrihus_auditevent_chain
    BEFORE INSERT ON psykiatrihus_auditevent
    FOR EACH ROW EXECUTE FUNCTION psykiatrihus_audit_chain();
CREATE TRIGGER psykiatrihus_auditevent_no_truncate
    BEFORE TRUNCATE ON psykiatrihus_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION psykiatrihus_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS psykiatrihus_auditevent_no_truncate ON psykiatrihus_auditevent;
DROP TRIGGER IF EXISTS psykiatrihus_auditevent_chain ON psykiatrihus_auditevent;
DROP FUNCTION IF EXISTS psykiatrihus_audit_chain();
DROP FUNCTION IF EXISTS psykiatrihus_audit_hash(psykiatrihus_auditevent);
DROP FUNCTION IF EXISTS psykiatrihus_audit_field(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("psykiatrihus", "0005_sso"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="forrige hændelses hash"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="nummer i husets kæde"),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(Coalesce("house", models.Value(0)), models.F("seq"),
                                               name="auditevent_chain_seq"),
        ),
    ]
