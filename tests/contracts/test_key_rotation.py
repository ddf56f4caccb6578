"""Rotating PERSONAL_DATA_KEY: `manage.py personal_data_key_rotate` re-encrypts and re-hashes every CPR number,
all or nothing; afterwards lookups and display work with the new key only."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Citizen
from contracts.selectors import citizen_by_cpr
from contracts.services import citizen_create
from psykiatrihus import crypto
from tests.contracts.conftest import cpr_for

pytestmark = pytest.mark.django_db

OLD = "old-personal-data-key-for-the-rotation-test-0001"
NEW = "new-personal-data-key-for-the-rotation-test-0002"


@pytest.fixture
def citizens(house, settings):
    settings.PERSONAL_DATA_KEY = OLD
    cprs = [cpr_for(datetime.date(1970 + i, 3, 1 + i), i, i % 2 == 0) for i in range(5)]
    made = [citizen_create(house=house, sector="kommune", name=f"Borger {i}", cpr=c) for i, c in enumerate(cprs)]
    return list(zip(made, cprs, strict=True))


def _run(monkeypatch, settings, *, old: str, new: str) -> str:
    import io

    settings.PERSONAL_DATA_KEY = new
    monkeypatch.setenv("PERSONAL_DATA_KEY_OLD", old)
    out = io.StringIO()
    call_command("personal_data_key_rotate", stdout=out)
    return out.getvalue()


def test_every_cpr_moves_to_the_new_key(citizens, house, settings, monkeypatch):
    before = {c.pk: (c.cpr_encrypted, c.cpr_hash) for c, _ in citizens}
    assert "5 CPR-numre krypteret med den nye nøgle; 0 var det allerede." in _run(
        monkeypatch, settings, old=OLD, new=NEW)
    for citizen, cpr in citizens:
        row = Citizen.objects.get(pk=citizen.pk)
        assert (row.cpr_encrypted, row.cpr_hash) != before[citizen.pk]
        assert crypto.decrypt(row.cpr_encrypted) == cpr  # settings now hold the new key
        assert row.cpr_hash == crypto.lookup_hash(cpr, key=NEW)
        with pytest.raises(crypto.InvalidToken):
            crypto.decrypt(row.cpr_encrypted, key=OLD)  # the old key opens nothing any more
        assert citizen_by_cpr(digits=cpr, house=house).pk == citizen.pk  # lookup by CPR still finds them
    # A second run (say, after a crash of the first) changes nothing.
    again = _run(monkeypatch, settings, old=OLD, new=NEW)
    assert "0 CPR-numre krypteret med den nye nøgle; 5 var det allerede." in again


def test_a_wrong_old_key_changes_nothing(citizens, settings, monkeypatch):
    before = list(Citizen.objects.order_by("pk").values_list("cpr_encrypted", "cpr_hash"))
    with pytest.raises(CommandError, match="hverken åbnes med den gamle eller den nye nøgle; intet er ændret"):
        _run(monkeypatch, settings, old="wrong-personal-data-key-for-the-rotation-test", new=NEW)
    assert list(Citizen.objects.order_by("pk").values_list("cpr_encrypted", "cpr_hash")) == before
    with pytest.raises(CommandError, match="PERSONAL_DATA_KEY_OLD"):
        _run(monkeypatch, settings, old="", new=NEW)
    with pytest.raises(CommandError, match="ens"):
        _run(monkeypatch, settings, old=NEW, new=NEW)
