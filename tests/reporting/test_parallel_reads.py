"""The year before and the trend columns are read on a second connection beside the report's own period
(`reporting.selectors.parallel`): the same figures as one connection reading it all, errors and the
language carried back to the caller, and inside a transaction everything on the caller's connection."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from reporting.selectors import period_for, read_beside


def _build(house):
    from reporting.services import report_figures

    with CaptureQueriesContext(connection) as captured:
        figures = report_figures(house=house, period=period_for(year=2021), formats=["pdf", "json"],
                                 suppress_below=1)
    return figures, len(captured.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_beside_reads_give_the_figures_of_one_connection(dataset):
    beside, main_queries_beside = _build(dataset.house)
    with transaction.atomic():  # a second connection could not see uncommitted rows: all on this one
        alone, main_queries_alone = _build(dataset.house)
    assert beside == alone
    # the hand-worked figures (test_tables.py), for the period and the year before
    assert beside["data"]["tables"]["stays"]["kommune"]["stays"] == 5
    assert beside["previous"]["tables"]["stays"]["kommune"]["stays"] == 1
    assert "trends" in beside["data"]["tables"]
    # the year before and the trend columns really were read elsewhere
    assert main_queries_beside < main_queries_alone - 10


@pytest.mark.django_db(transaction=True)
def test_an_error_on_the_second_connection_reaches_the_caller():
    pending = read_beside(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        pending.result()


@pytest.mark.django_db(transaction=True)
def test_the_second_connection_reads_in_the_callers_language_and_is_closed():
    from django.db import connections

    seen = {}

    def read():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            seen["pid"] = cursor.fetchone()[0]
        return translation.get_language()

    with translation.override("en"):
        assert read_beside(read).result() == "en"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != seen["pid"]  # another connection
        for _ in range(100):  # the server process ends just after the client has closed the connection
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [seen["pid"]])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the second connection was left open")


@pytest.mark.django_db
def test_inside_a_transaction_the_read_waits_for_result_on_this_connection():
    calls = []
    pending = read_beside(lambda: calls.append(connection.in_atomic_block) or 7)
    assert calls == []  # not started: it would not see this transaction's rows
    assert pending.result() == 7
    assert calls == [True]
    with pytest.raises(ZeroDivisionError):
        read_beside(lambda: 1 / 0).result()
