"""`import_admissions`: a good file, each kind of bad line, re-import (same and newer export), encodings."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from contracts.admission_import import AdmissionsImportError
from contracts.models import Admission
from contracts.services import admissions_import
from psykiatrihus.models import AuditEvent

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")
D = datetime.date


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "admissions.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def good(world) -> str:
    c = world.cprs
    return (f"cpr,admitted,discharged,ward\n"
            f"{c['anna']},2020-12-28T22:15,2021-01-04T10:00,Afsnit P1\n"
            f"{c['anna']},2021-02-01,2021-02-03,Afsnit P1\n"
            f"{c['bo']},2021-05-01T08:00,,Akutmodtagelsen\n"
            f"{c['carl']},2019-03-01T14:00,2019-03-01T14:00,\n")


def test_good_file(world, tmp_path, capsys):
    call_command("import_admissions", write(tmp_path, good(world)), "--house", "aarhus")
    out = capsys.readouterr().out
    assert "Importeret 4 nye indlæggelser, 0 opdateret" in out
    anna = list(Admission.objects.filter(citizen=world.anna).order_by("admitted_at"))
    assert [(a.admitted_on, a.discharged_on, a.nights) for a in anna] == [
        (D(2020, 12, 28), D(2021, 1, 4), 7), (D(2021, 2, 1), D(2021, 2, 3), 2)]
    assert anna[0].admitted_at == datetime.datetime(2020, 12, 28, 22, 15, tzinfo=TZ)
    assert anna[1].admitted_at == datetime.datetime(2021, 2, 1, 0, 0, tzinfo=TZ)  # a date is local midnight
    bo = Admission.objects.get(citizen=world.bo)
    assert bo.discharged_at is None and bo.discharged_on is None and bo.ward == "Akutmodtagelsen"
    assert AuditEvent.objects.filter(object_type="contracts.admission", action="create").count() == 1


def test_reimport_same_file_changes_nothing_and_newer_export_replaces(world, tmp_path, capsys):
    call_command("import_admissions", write(tmp_path, good(world)), "--house", "aarhus")
    first = {a.pk: a.updated_at for a in Admission.objects.all()}
    call_command("import_admissions", write(tmp_path, good(world)), "--house", "aarhus")
    assert "Importeret 0 nye indlæggelser, 0 opdateret, 4 uændrede" in capsys.readouterr().out
    assert {a.pk: a.updated_at for a in Admission.objects.all()} == first
    # The region's next export: Bo has been discharged, and one line appears twice.
    newer = good(world).replace(f"{world.cprs['bo']},2021-05-01T08:00,,",
                                f"{world.cprs['bo']},2021-05-01T08:00,2021-05-20T12:00,")
    newer += f"{world.cprs['anna']},2021-02-01,2021-02-03,Afsnit P1\n"
    call_command("import_admissions", write(tmp_path, newer), "--house", "aarhus")
    assert "0 nye indlæggelser, 1 opdateret, 3 uændrede, 1 gentagne" in capsys.readouterr().out
    bo = Admission.objects.get(citizen=world.bo)
    assert (bo.discharged_on, bo.nights, Admission.objects.count()) == (D(2021, 5, 20), 19, 4)


def test_every_bad_line_named_by_line_and_column_without_cpr(world, tmp_path, capsys):
    c = world.cprs
    text = (f"cpr,admitted,discharged,ward\n"
            f"{c['anna']},2021-01-01T10:00,2021-01-05T10:00,\n"          # 2 good
            f"0101901234x,2021-01-01,2021-01-02,\n"                      # 3 cpr
            f"{c['bo']},0001-01-01,2021-01-02,\n"                        # 4 year 1
            f"{c['bo']},2021-03-01,9999-12-31T23:59,\n"                  # 5 future
            f"{c['bo']},2021-04-10,2021-04-01,\n"                        # 6 discharged before admitted
            f"{c['anna']},2021-01-03,2021-01-04,\n"                      # 7 overlaps line 2
            f"{c['carl']},{c['carl']},,\n"                               # 8 a CPR in the date column
            f"{c['carl']},1950-01-01,1950-01-02,\n"                      # 9 before birth (1962)
            f"{c['carl']},2021-06-01,2021-06-02,{'x' * 100_000}\n"      # 10 ward too long
            f"{c['anna']},2021-01-01T10:00,2021-01-06T10:00,\n"          # 11 same as line 2, other data
            f"{c['bo']},2021-13-01,,\n")                                 # 12 no such month
    with pytest.raises(CommandError) as e:
        call_command("import_admissions", write(tmp_path, text), "--house", "aarhus")
    assert "10 fejl" in str(e.value)
    err = capsys.readouterr().err
    expected = [(3, "cpr", "ugyldigt CPR-nummer"), (4, "admitted", "før 1900"), (5, "discharged", "fremtiden"),
                (6, "discharged", "før indlæggelsen"), (7, "admitted", "overlapper linje 2"),
                (8, "admitted", "ugyldig dato"), (9, "admitted", "fødselsdato"), (10, "ward", "længere end"),
                (11, "admitted", "samme indlæggelse som linje 2"), (12, "admitted", "ugyldig dato")]
    for line, column, words in expected:
        prefix = f"Linje {line}, kolonne {column}: "
        assert prefix in err and words in err.split(prefix)[1].split("\n")[0], (line, err)
    assert "Linje 2," not in err
    for cpr in c.values():
        assert cpr not in err and f"{cpr[:6]}-{cpr[6:]}" not in err
    assert "0101901234" not in err
    assert Admission.objects.count() == 0  # all or nothing


def test_unknown_people_are_not_stored(world, tmp_path, capsys):
    stranger = world.cprs["stranger"]  # a citizen of the other house only
    text = f"cpr,admitted,discharged\n{stranger},2021-01-01,2021-01-02\n{world.cprs['bo']},2021-01-01,2021-01-02\n"
    call_command("import_admissions", write(tmp_path, text), "--house", "aarhus")
    assert "1 linjer om personer, huset ikke kender" in capsys.readouterr().out
    assert list(Admission.objects.values_list("citizen_id", flat=True)) == [world.bo.pk]


def test_overlap_with_existing_admission_and_open_admission(world):
    admissions_import(house=world.bo.house, rows=[{"cpr": world.cprs["bo"], "admitted": "2021-05-01T08:00",
                                                   "discharged": ""}])
    with pytest.raises(AdmissionsImportError) as e:
        admissions_import(house=world.bo.house, rows=[{"cpr": world.cprs["bo"], "admitted": "2022-01-01",
                                                       "discharged": "2022-01-05", "line": 7}])
    assert e.value.errors == [(7, "admitted", "overlapper en indlæggelse, der allerede er importeret")]
    # A transfer: discharged from one ward and admitted to the next at the same moment is no overlap.
    result = admissions_import(house=world.bo.house, rows=[
        {"cpr": world.cprs["bo"], "admitted": "2021-05-01T08:00", "discharged": "2021-05-03T09:00"},
        {"cpr": world.cprs["bo"], "admitted": "2021-05-03T09:00", "discharged": "2021-05-09T09:00", "ward": "P2"},
    ])
    assert (result.created, result.updated) == (1, 1)


def test_database_refuses_overlap_and_discharge_before_admission(world):
    house = world.bo.house
    Admission.objects.create(house=house, citizen=world.bo, admitted_at=datetime.datetime(2021, 1, 1, tzinfo=TZ),
                             admitted_on=D(2021, 1, 1))  # still admitted
    with pytest.raises(IntegrityError), transaction.atomic():
        Admission.objects.create(house=house, citizen=world.bo, admitted_at=datetime.datetime(2022, 1, 1, tzinfo=TZ),
                                 discharged_at=datetime.datetime(2022, 1, 2, tzinfo=TZ),
                                 admitted_on=D(2022, 1, 1), discharged_on=D(2022, 1, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        Admission.objects.create(house=house, citizen=world.anna, admitted_at=datetime.datetime(2022, 1, 5, tzinfo=TZ),
                                 discharged_at=datetime.datetime(2022, 1, 2, tzinfo=TZ),
                                 admitted_on=D(2022, 1, 5), discharged_on=D(2022, 1, 2))


def test_cp1252_and_semicolon_file(world, tmp_path, capsys):
    text = f"cpr;admitted;discharged;ward\n{world.cprs['bo']};2021-01-01;2021-01-02;Afsnit Æblehaven\n"
    call_command("import_admissions", write(tmp_path, text, "cp1252"), "--house", "aarhus")
    assert "Importeret 1 nye" in capsys.readouterr().out
    assert Admission.objects.get().ward == "Afsnit Æblehaven"


def test_unknown_house_missing_columns_and_unreadable_file(world, tmp_path):
    with pytest.raises(CommandError, match="Ukendt hus"):
        call_command("import_admissions", write(tmp_path, good(world)), "--house", "nowhere")
    with pytest.raises(CommandError, match="mangler kolonnerne discharged"):
        call_command("import_admissions", write(tmp_path, "cpr,admitted\n"), "--house", "aarhus")
    with pytest.raises(CommandError, match="Kan ikke læse"):
        call_command("import_admissions", str(tmp_path / "missing.csv"), "--house", "aarhus")
