"""Bed periods: a stay's stretches on one bed each, so a guest can move mid-stay.

One period per existing stay (on its bed, the whole stay). The bed-level exclusion constraints move from the
stay onto the periods under the same names. A trigger keeps every stay's periods derived from it (see
`beds.period_models`); the foreign key to the stay cascades in the database too, so a stay deleted in SQL
takes its periods with it.
"""

import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models


BACKFILL_SQL = """
INSERT INTO beds_staybedperiod (stay_id, bed_id, starts_at, ends_at, during, presence, holds)
SELECT id, bed_id, NULL, NULL, period,
       CASE WHEN checked_in_at IS NOT NULL AND status IN ('checked_in', 'checked_out')
            THEN tstzrange(checked_in_at, checked_out_at, '[)') END,
       status IN ('booked', 'checked_in', 'checked_out')
FROM beds_stay;
DO $$
DECLARE c text;
BEGIN
    SELECT conname INTO c FROM pg_constraint
     WHERE conrelid = 'beds_staybedperiod'::regclass AND contype = 'f'
       AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                            WHERE attrelid = 'beds_staybedperiod'::regclass AND attname = 'stay_id')];
    EXECUTE format('ALTER TABLE beds_staybedperiod DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE beds_staybedperiod ADD CONSTRAINT beds_staybedperiod_stay_id_fk_cascade
    FOREIGN KEY (stay_id) REFERENCES beds_stay (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
"""

TRIGGER_SQL = """
CREATE FUNCTION beds_stay_periods_sync() RETURNS trigger AS $$
DECLARE
    holding boolean := NEW.status IN ('booked', 'checked_in', 'checked_out');
    present tstzrange := CASE WHEN NEW.checked_in_at IS NOT NULL AND NEW.status IN ('checked_in', 'checked_out')
                              THEN tstzrange(NEW.checked_in_at, NEW.checked_out_at, '[)') END;
    outside timestamptz;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO beds_staybedperiod (stay_id, bed_id, starts_at, ends_at, during, presence, holds)
        VALUES (NEW.id, NEW.bed_id, NULL, NULL, NEW.period, present, holding);
        RETURN NULL;
    END IF;
    -- A move lies inside the stay, and while the guest is in the house.
    SELECT min(starts_at) INTO outside FROM beds_staybedperiod
     WHERE stay_id = NEW.id AND starts_at IS NOT NULL
       AND (starts_at <= lower(NEW.period) OR starts_at >= upper(NEW.period)
            OR (present IS NOT NULL AND NOT present @> starts_at));
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION 'stay_move_within_stay: the move of stay % at % lies outside the stay', NEW.id, outside
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stay_move_within_stay';
    END IF;
    -- The current (last) period is on the stay's bed.
    UPDATE beds_staybedperiod SET bed_id = NEW.bed_id
     WHERE id = (SELECT id FROM beds_staybedperiod WHERE stay_id = NEW.id
                  ORDER BY starts_at DESC NULLS LAST LIMIT 1)
       AND bed_id <> NEW.bed_id;
    UPDATE beds_staybedperiod p
       SET ends_at = x.next_start,
           during = NEW.period * tstzrange(p.starts_at, x.next_start, '[)'),
           presence = present * tstzrange(p.starts_at, x.next_start, '[)'),
           holds = holding
      FROM (SELECT id, lead(starts_at) OVER (ORDER BY starts_at NULLS FIRST) AS next_start
              FROM beds_staybedperiod WHERE stay_id = NEW.id) x
     WHERE p.id = x.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER beds_stay_periods_insert AFTER INSERT ON beds_stay
    FOR EACH ROW EXECUTE FUNCTION beds_stay_periods_sync();
CREATE TRIGGER beds_stay_periods_update AFTER UPDATE ON beds_stay
    FOR EACH ROW WHEN ((OLD.bed_id, OLD.period, OLD.status, OLD.checked_in_at, OLD.checked_out_at)
                       IS DISTINCT FROM (NEW.bed_id, NEW.period, NEW.status, NEW.checked_in_at, NEW.checked_out_at))
    EXECUTE FUNCTION beds_stay_periods_sync();
"""
REVERSE_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS beds_stay_periods_insert ON beds_stay;
DROP TRIGGER IF EXISTS beds_stay_periods_update ON beds_stay;
DROP FUNCTION IF EXISTS beds_stay_periods_sync();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('beds', '0010_stay_request_answered_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='StayBedPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField(blank=True, null=True, verbose_name='flyttet hertil')),
                ('ends_at', models.DateTimeField(blank=True, null=True, verbose_name='flyttet herfra')),
                ('during', django.contrib.postgres.fields.ranges.DateTimeRangeField(verbose_name='periode på sengen')),
                ('presence', django.contrib.postgres.fields.ranges.DateTimeRangeField(blank=True, null=True, verbose_name='til stede på sengen')),
                ('holds', models.BooleanField(default=False, verbose_name='holder sengen')),
            ],
            options={
                'verbose_name': 'sengeperiode',
                'verbose_name_plural': 'sengeperioder',
                'ordering': ['stay', models.OrderBy(models.F('starts_at'), nulls_first=True)],
            },
        ),
        migrations.RemoveConstraint(
            model_name='stay',
            name='stay_bed_no_overlap',
        ),
        migrations.RemoveConstraint(
            model_name='stay',
            name='stay_bed_one_guest_present',
        ),
        migrations.AddField(
            model_name='staybedperiod',
            name='bed',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stay_periods', to='beds.bed', verbose_name='seng'),
        ),
        migrations.AddField(
            model_name='staybedperiod',
            name='stay',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bed_periods', to='beds.stay', verbose_name='ophold'),
        ),
        migrations.RunSQL(BACKFILL_SQL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='staybedperiod',
            index=django.contrib.postgres.indexes.GistIndex(fields=['during'], name='staybedperiod_during_gist'),
        ),
        migrations.AddConstraint(
            model_name='staybedperiod',
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(condition=models.Q(('holds', True)), expressions=[(models.Func(models.F('bed_id'), models.F('bed_id'), models.Value('[]'), function='int8range'), '='), ('during', '&&')], name='stay_bed_no_overlap', violation_error_code='bed_taken', violation_error_message='Sengen er allerede optaget i perioden.'),
        ),
        migrations.AddConstraint(
            model_name='staybedperiod',
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(condition=models.Q(('presence__isnull', False)), expressions=[(models.Func(models.F('bed_id'), models.F('bed_id'), models.Value('[]'), function='int8range'), '='), ('presence', '&&')], name='stay_bed_one_guest_present', violation_error_code='bed_still_occupied', violation_error_message='Den forrige gæst i sengen er ikke udskrevet.'),
        ),
        migrations.AddConstraint(
            model_name='staybedperiod',
            constraint=models.UniqueConstraint(condition=models.Q(('starts_at__isnull', True)), fields=('stay',), name='staybedperiod_one_first'),
        ),
        migrations.AddConstraint(
            model_name='staybedperiod',
            constraint=models.UniqueConstraint(fields=('stay', 'starts_at'), name='staybedperiod_unique_start'),
        ),
        migrations.AddConstraint(
            model_name='staybedperiod',
            constraint=models.CheckConstraint(condition=models.Q(('starts_at__isnull', True), ('ends_at__isnull', True), ('ends_at__gt', models.F('starts_at')), _connector='OR'), name='staybedperiod_ends_after_start'),
        ),
        migrations.RunSQL(TRIGGER_SQL, REVERSE_TRIGGER_SQL),
    ]
