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


# --- files that are not what they should be: one Danish message naming the line, exit 1, nothing written ----

SHIFTED_CPR = cpr_for(D(1965, 6, 16), 3023)  # 160665-3023 as typed into the file


@pytest.fixture
def run_command(tmp_path, monkeypatch):
    """The command as `manage.py` runs it, in this process: (exit code, stderr). `run_from_argv` closes the
    database connections when it ends, which would end the test's transaction: that one call is skipped."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
    return lambda data, *extra: _run_command(tmp_path, data, *extra)


def _run_command(tmp_path, data: bytes, *extra: str) -> tuple[int, str]:
    import contextlib
    import io

    from django.core.management import execute_from_command_line

    path = tmp_path / "stays.csv"
    path.write_bytes(data)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            execute_from_command_line(["manage.py", "import_stays", str(path), "--house", "aarhus",
                                       "--no-progress", *extra])
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


HEADER = "cpr,sector,bed,arrival,departure,kind,end_reason\n"
ROW = f"{X1},kommune,K1,2019-03-01T14:00,2019-03-03T10:00,,"


@pytest.mark.parametrize("data, words", [
    ((HEADER + ROW + "Afsluttet efter ønske\n").encode("cp1252"), ["Linje 2", "ikke gyldig UTF-8",
                                                                     "--encoding cp1252"]),
    ((HEADER + ROW + "\n").encode("utf-16"), ["UTF-16", "--encoding utf-16"]),
    ((HEADER + ROW + "\n" + ROW + "a\x00b\n").encode(), ["Linje 3", "NUL"]),
    ((HEADER + ROW + "\n" + ROW + "x" * 140_000 + "\n").encode(), ["Linje 3", "længere end 128 KB"]),
    (bytes(range(256)) * 40_960, ["Linje 2", "ikke gyldig UTF-8"]),  # 10 MB of binary (a newline at byte 11)
], ids=["cp1252", "utf-16", "nul", "field-over-128kb", "binary-10mb"])
def test_bad_file_one_message_exit_1_no_traceback(house, run_command, data, words):
    code, err = run_command(data)
    assert code == 1
    assert "Traceback" not in err and "Error:" not in err.replace("CommandError:", "")
    assert all(w in err for w in words), err
    assert len(err.strip().splitlines()) == 1  # one message
    assert Stay.objects.count() == 0 and Citizen.objects.count() == 0


def test_binary_garbage_in_cp1252_names_the_nul(house, run_command):
    code, err = run_command(bytes(range(256)) * 40_960, "--encoding", "latin-1")
    assert code == 1 and "Linje 1: filen indeholder NUL-tegn" in err and "Traceback" not in err


def test_cp1252_with_encoding_option_and_semicolons(house, run_command):
    """Danish Excel: cp1252 and ';' between the fields; the end reason keeps its æøå."""
    text = HEADER.replace(",", ";") + ROW.replace(",", ";") + "Afsluttet efter ønske på egen hånd\n"
    code, err = run_command(text.encode("cp1252"), "--encoding", "cp1252")
    assert (code, err) == (0, "")
    assert Stay.objects.get().end_note == "Afsluttet efter ønske på egen hånd"
    code, err = run_command((HEADER + ROW + "\n").encode("utf-16"), "--encoding", "utf-16")
    assert code == 0 and Stay.objects.count() == 1  # the same stay: skipped as already imported


def test_unknown_encoding(house, run_command):
    code, err = run_command(GOOD.encode(), "--encoding", "klingon")
    assert code == 1 and "Ukendt tegnsæt: klingon" in err and "Traceback" not in err


def test_dates_outside_the_window_refused_per_line(house, run_command):
    """Year 1 was stored as a BC timestamp (the stay's API and availability then crashed); year 9999 too."""
    text = HEADER + "\n".join([
        f"{X1},kommune,K1,0001-01-01T00:00,0001-01-03T10:00,,",
        f"{X1},kommune,K2,2019-03-01T14:00,9999-12-31T10:00,,",
        f"{X2},region,R1,1979-12-31T14:00,1980-01-02T10:00,,",
        f"{X2},region,R1,2019-03-01T14:00,2019-03-02T10:00,,",
    ]) + "\n"
    code, err = run_command(text.encode())
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith("Linje 2: ankomst i kolonnen arrival skal ligge mellem 1. januar 1980 og ")
    assert "afrejse i kolonnen departure skal ligge" in lines[0]
    assert lines[1].startswith("Linje 3: afrejse i kolonnen departure skal ligge mellem")
    assert lines[2].startswith("Linje 4: ankomst i kolonnen arrival skal ligge mellem")
    assert "Linje 5" not in err and "Filen blev afvist: 3 fejl. Intet er importeret." in lines[-1]
    assert Stay.objects.count() == 0  # all or nothing: the good line 5 is not written either


def test_window_follows_the_houses_opening_year(house):
    house.opened_on = D(2019, 2, 25)
    house.save(update_fields=["opened_on"])
    row = {"cpr": X1, "sector": "kommune", "bed": "K1", "arrival": "1998-12-31T14:00",
           "departure": "1999-01-02T10:00"}
    with pytest.raises(StaysImportError) as e:
        stays_import(house=house, rows=[row])
    assert e.value.errors[0][0] == 2 and "mellem 1. januar 1999 og" in e.value.errors[0][1]
    stays_import(house=house, rows=[{**row, "arrival": "1999-01-01T14:00"}])
    assert Stay.objects.get().arrival_date == D(1999, 1, 1)


def test_shifted_columns_never_print_the_cpr(house, run_command):
    """An extra leading column moves the CPR into `sector`: the message names line and column, not the value."""
    text = HEADER + f"x,{SHIFTED_CPR},kommune,K1,2019-03-01T14:00,2019-03-03T10:00,,\n" \
                    f"{SHIFTED_CPR},{SHIFTED_CPR},K1,2019-03-01T14:00,2019-03-03T10:00,,\n"
    code, err = run_command(text.encode())
    assert code == 1
    assert "160665" not in err and "3023" not in err
    assert "Linje 2: linjen har flere felter end overskriften" in err
    assert "ukendt sektor i kolonnen sector" in err and "Linje 3: ukendt sektor i kolonnen sector" in err
    assert "ukendt seng 'KOMMUNE' i kolonnen bed" in err  # a value that cannot be a CPR is still shown


def test_nul_and_overlong_end_reason_through_the_service(house):
    """Callers of the service (not only the command) get line-numbered errors, not a DataError."""
    row = {"cpr": X1, "sector": "kommune", "bed": "K1", "arrival": "2019-03-01T14:00",
           "departure": "2019-03-03T10:00"}
    with pytest.raises(StaysImportError) as e:
        stays_import(house=house, rows=[{**row, "end_reason": "a\x00b"},
                                        {**row, "bed": "K2", "end_reason": "x" * 2001}])
    assert e.value.errors == [(2, "NUL-tegn i kolonnen end_reason"),
                              (3, "kolonnen end_reason er længere end 2000 tegn")]
    assert Stay.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_manage_py_in_a_real_process_exits_1_without_traceback(house, tmp_path):
    """`python manage.py import_stays` on a cp1252 file, in its own process on the test database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}" + (
        f"&port={db['PORT']}" if db["PORT"] else "")
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + ROW + "Afsluttet efter ønske\n").encode("cp1252"))
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    root = Path(__file__).resolve().parents[2]
    args = [sys.executable, "manage.py", "import_stays", str(path), "--house", "aarhus", "--no-progress"]
    refused = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "Linje 2: teksten er ikke gyldig UTF-8" in refused.stderr and Stay.objects.count() == 0
    done = subprocess.run([*args, "--encoding", "cp1252"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert Stay.objects.get().end_note == "Afsluttet efter ønske"
