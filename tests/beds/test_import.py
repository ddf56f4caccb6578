"""History import: good file, each kind of bad row, re-import, bulk query bound."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beds.models import Stay
from beds.services import StaysImportError, stays_import
from contracts.models import Citizen, Contract
from tests.beds.conftest import at, cpr_for

pytestmark = pytest.mark.django_db

D = datetime.date
X1 = cpr_for(D(1950, 6, 1), 11)
X2 = cpr_for(D(1951, 7, 2), 12)

GOOD = f"""cpr,sector,bed,arrival,departure,kind,end_reason
{X1},kommune,K1,2019-03-01T14:00,2019-03-03T10:00,,
{X1},kommune,K1,2019-03-03T14:00,2019-03-05T10:00,ordinary,
{X2},region,R2,2019-03-01T14:00,2019-03-02T10:00,,
{X2},kommune,K8,2019-04-01T14:00,2019-06-01T10:00,faerdigbehandling,botilbud_107
"""


def write(tmp_path, text: str):
    path = tmp_path / "stays.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_good_file(house, tmp_path, capsys):
    call_command("import_stays", write(tmp_path, GOOD), "--house", "aarhus")
    assert "Importeret 4 ophold" in capsys.readouterr().out
    stays = list(Stay.objects.order_by("arrival", "bed__label"))
    assert len(stays) == 4
    assert {s.status for s in stays} == {"checked_out"} and all(s.imported for s in stays)
    assert [s.nights for s in stays] == [2, 1, 2, 61]
    assert stays[0].checked_out_at == at("2019-03-03", 10)
    fb = Stay.objects.get(kind="faerdigbehandling")
    assert fb.fb_outcome == "botilbud_107"
    assert Citizen.objects.filter(imported=True).count() == 2
    # One imported contract per citizen and sector, spanning that citizen's stays.
    contracts = {(c.citizen.imported, c.sector, c.granted_on, c.ended_on) for c in Contract.objects.all()}
    assert contracts == {(True, "kommune", D(2019, 3, 1), D(2019, 3, 5)), (True, "region", D(2019, 3, 1),
                         D(2019, 3, 2)), (True, "kommune", D(2019, 4, 1), D(2019, 6, 1))}
    assert all(c.imported and c.status == "ended" for c in Contract.objects.all())


def test_reimport_changes_nothing(house, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_stays", path, "--house", "aarhus")
    before = (Stay.objects.count(), Citizen.objects.count(), Contract.objects.count())
    call_command("import_stays", path, "--house", "aarhus")
    assert "Importeret 0 ophold (4 fandtes allerede)" in capsys.readouterr().out
    assert (Stay.objects.count(), Citizen.objects.count(), Contract.objects.count()) == before == (4, 2, 3)


def test_existing_contract_is_used(house, people):
    result = stays_import(house=house, rows=[
        {"cpr": cpr_for(D(1990, 5, 10), 2), "sector": "kommune", "bed": "K3", "arrival": "2024-01-10T14:00",
         "departure": "2024-01-20T10:00"},  # Anna: contract from 2024-01-01; frame not applied to history
    ])
    assert (result.created, result.citizens_created, result.contracts_created) == (1, 0, 0)
    assert Stay.objects.get().contract.imported is False


def test_every_bad_line_listed_and_nothing_imported(house, users, people, tmp_path, capsys):
    from beds.services import stay_book
    from tests.beds.conftest import bed

    stay_book(house=house, bed=bed(house, "R1"), citizen=people.bo, arrival=at("2024-02-01"),
              planned_departure=at("2024-02-03", 10), user=users["region"])
    text = f"""cpr,sector,bed,arrival,departure
{X1},kommune,K1,2019-03-01T14:00,2019-03-03T10:00
1234,kommune,K1,2019-05-01T14:00,2019-05-02T10:00
{X1},kommune,K99,2019-06-01T14:00,2019-06-02T10:00
{X1},kommune,K1,2019-07-05T14:00,2019-07-02T10:00
{X2},kommune,K1,2019-03-02T14:00,2019-03-04T10:00
{X2},region,R1,2024-02-02T14:00,2024-02-04T10:00
{X1},region,K2,2019-08-01T14:00,2019-08-02T10:00
{X1},kommune,K2,nonsense,2019-08-02T10:00
"""
    with pytest.raises(CommandError) as e:
        call_command("import_stays", write(tmp_path, text), "--house", "aarhus")
    assert "7 fejl" in str(e.value)
    err = capsys.readouterr().err
    for line, words in [(3, "CPR"), (4, "ukendt seng"), (5, "afrejse ligger før ankomst"),
                        (6, "overlapper linje 2"), (7, "eksisterende ophold"), (8, "hører ikke til"),
                        (9, "ugyldig ankomst")]:
        assert f"Linje {line}: " in err and words in err.split(f"Linje {line}: ")[1].split("\n")[0], line
    assert "Linje 2:" not in err
    assert "1234" not in err  # never echo CPR digits
    assert Stay.objects.count() == 1 and Citizen.objects.filter(imported=True).count() == 0


def test_citizen_overlap_within_file(house):
    with pytest.raises(StaysImportError) as e:
        stays_import(house=house, rows=[
            {"cpr": X1, "sector": "kommune", "bed": "K1", "arrival": "2019-03-01T14:00",
             "departure": "2019-03-03T10:00"},
            {"cpr": X1, "sector": "region", "bed": "R1", "arrival": "2019-03-02T14:00",
             "departure": "2019-03-04T10:00"},
        ])
    assert e.value.errors == [(3, "overlapper linje 2 (samme borger)")]


def test_unknown_house_and_missing_columns(house, tmp_path):
    with pytest.raises(CommandError, match="Ukendt hus"):
        call_command("import_stays", write(tmp_path, GOOD), "--house", "nowhere")
    with pytest.raises(CommandError, match="mangler kolonnerne departure"):
        call_command("import_stays", write(tmp_path, "cpr,sector,bed,arrival\n"), "--house", "aarhus")


def test_bulk_queries_do_not_grow_with_rows(house, django_assert_max_num_queries):
    rows = []
    for i in range(3000):
        day = D(2019, 1, 1) + datetime.timedelta(days=2 * (i // 16))
        rows.append({"cpr": cpr_for(D(1960, 1, 1) + datetime.timedelta(days=i % 400), 100 + i % 16),
                     "sector": "kommune" if i % 16 < 8 else "region",
                     "bed": f"K{i % 16 + 1}" if i % 16 < 8 else f"R{i % 16 - 7}",
                     "arrival": f"{day}T14:00", "departure": f"{day + datetime.timedelta(days=1)}T10:00"})
    with django_assert_max_num_queries(30):
        result = stays_import(house=house, rows=rows)
    assert result.created == 3000 and Stay.objects.count() == 3000
