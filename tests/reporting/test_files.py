"""The command and the files: JSON shape, XLSX figure, PDF text read back with pdftotext."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_command_json(dataset, tmp_path):
    out = tmp_path / "r.json"
    call_command("evaluation_report", house="aarhus", year=2021, format="json", output=str(out),
                 suppress_below=0)
    data = json.loads(out.read_text())
    assert data["house"] == "aarhus"
    assert data["period"]["start"] == "2021-01-01" and data["period"]["end"] == "2021-12-31"
    assert data["tables"]["stays"]["region"]["nights"] == 4
    assert set(data["tables"]["stays"]["kommune"]) == {
        "stays", "unique_citizens", "nights", "stays_per_citizen", "nights_per_stay", "max_stays_one_citizen",
        "max_nights_one_citizen", "citizens_by_stays", "stays_by_nights"}


def test_command_quarter_suppressed_by_default(dataset, tmp_path):
    out = tmp_path / "q.json"
    call_command("evaluation_report", "--house", "aarhus", "--year", "2021", "--quarter", "1", "--format", "json",
                 "--output", str(out))
    data = json.loads(out.read_text())
    assert data["period"] == {"start": "2021-01-01", "end": "2021-03-31", "label": "1. kvartal 2021"}
    assert data["tables"]["stays"]["kommune"]["stays_by_nights"]["0-1"] == "<5"
    assert data["tables"]["stays"]["kommune"]["stays"] == "<5"  # 2 stays, both 0–1 nights: 1–4 each, equal


def test_command_errors(dataset, tmp_path):
    with pytest.raises(CommandError):
        call_command("evaluation_report", house="nowhere", year=2021, output=str(tmp_path / "x"))
    with pytest.raises(CommandError):
        call_command("evaluation_report", house="aarhus", output=str(tmp_path / "x"))


def test_xlsx_has_a_sheet_per_table_with_figures(dataset, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command("evaluation_report", house="aarhus", year=2021, format="xlsx", output=str(out),
                 suppress_below=0)
    book = load_workbook(out)
    assert "Om rapporten" in book.sheetnames
    sheet = book["Ophold"]
    assert "Kontrakter" in book.sheetnames and "Diagnoser" in book.sheetnames
    header = [c.value for c in sheet[4]]
    assert header[1] == "Kommune 2021" and header[2] == "Kommune 2020"
    rows = {r[0].value: [c.value for c in r[1:]] for r in sheet.iter_rows(min_row=5) if r[0].value}
    assert rows["Ophold"][:4] == [5, 1, 2, 0]  # kommune 2021, kommune 2020, region 2021, region 2020
    assert rows["Nætter"][0] == 11


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_pdf_reads_back(dataset, tmp_path):
    out = tmp_path / "r.pdf"
    call_command("evaluation_report", house="aarhus", year=2021, format="pdf", output=str(out),
                 suppress_below=0)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Evalueringsrapport" in text and "Psykiatriens Hus i Aarhus" in text
    assert "Ophold i overnatningspladserne" in text and "Færdigbehandlingspladser" in text
    assert "Indhold" in text and "Side 2 af" in text
    assert "Flest nætter for én borger" in text
