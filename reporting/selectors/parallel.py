"""Reads that run beside the report's own: the year before and the trend columns are read on a second
database connection while the first builds the report's period.

A report build spends about a third of its figure time waiting on PostgreSQL; on a second connection
those waits overlap with the other period's Python work (and PostgreSQL works on another core). Only reads
go there, and only outside a transaction: inside one (a test's rolled-back transaction, or a caller's
`atomic`) a second connection could not see what the first has written, so the read runs in the caller's
thread when its result is asked for, exactly as it would without this module. Each statement reads its own
snapshot either way (READ COMMITTED), as the build always did.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection, connections
from django.utils import translation

from reporting.tables.house_rules import rules_read_once

T = TypeVar("T")


class Pending(Generic[T]):
    """The result of a read started by `read_beside`; `result()` waits for it (or runs it, see above) and
    raises what the read raised."""

    def __init__(self, read: Callable[[], T], *, thread: bool) -> None:
        self._read = read
        self._done = False
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if thread:
            language = translation.get_language()
            self._thread = threading.Thread(target=self._run, args=(language,), name="report-read-beside",
                                            daemon=True)
            self._thread.start()

    def _run(self, language: str | None) -> None:
        try:
            with translation.override(language), rules_read_once():
                self._value = self._read()
        except BaseException as exc:  # handed to the caller's thread by result()
            self._error = exc
        finally:
            connections.close_all()  # this thread's connections only
            self._done = True

    def result(self) -> T:
        if self._thread is not None:
            self._thread.join()
        elif not self._done:
            try:
                self._value = self._read()
            except BaseException as exc:
                self._error = exc
            self._done = True
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def read_beside(read: Callable[[], T]) -> Pending[T]:
    """Start `read` (database reads only) on a second connection, or defer it to `result()` inside a
    transaction."""
    return Pending(read, thread=not connection.in_atomic_block)
