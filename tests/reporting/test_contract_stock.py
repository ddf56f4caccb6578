"""Table 2's ended total and the stock of contracts: active at the end = active at the start + new − ended.

A report printing the stock at both ends and the new contracts gives the ended total away, so hiding that
total (as the report once did in every column) protects none of the small end reasons. The contracts table
publishes the start and declares the identity, so the audit sees it and suppression hides a reason instead."""

from __future__ import annotations

import pytest

from reporting.disclosure import COMPLEMENTARY, PRIMARY, audit, disclose, report_model
from reporting.selectors import period_for, table_contracts

Y2021 = period_for(year=2021)


def _contracts(*, start: int, new: int, end: int, reasons: dict) -> dict:
    counts = {"not_needed": 0, "too_ill": 0, "behaviour": 0, "moved": 0, "died": 0, "other": 0, **reasons}
    return {"contracts": {"kommune": {"active_at_start": start, "new": new, "active_at_end": end,
                                      "ended": {"counts": counts, "total": sum(counts.values())}}}}


@pytest.mark.django_db
def test_the_stock_at_the_start_and_the_identity_hold_on_the_hand_made_house(dataset):
    # kommune: A (2020-03-01) and B (2019-11-20, ended 2021-06-30) in force on 1.1.2021, nobody new, B ended.
    # region: D (2020-09-15, ended 2021-03-31) in force on 1.1.2021; A (2021-02-01) and C (2021-12-31) new.
    table = table_contracts(house=dataset.house, period=Y2021)
    k, r = table["kommune"], table["region"]
    assert (k["active_at_start"], k["new"], k["ended"]["total"], k["active_at_end"]) == (2, 0, 1, 1)
    assert (r["active_at_start"], r["new"], r["ended"]["total"], r["active_at_end"]) == (1, 2, 1, 2)
    # the first row of the table is the stock at the start
    assert list(k)[:2] == ["active_at_start", "new"]


def test_the_audit_knows_start_plus_new_minus_ended_is_the_end():
    # 40 + 10 − 8 = 42; end reasons: not needed 6, too ill 2.
    tables = _contracts(start=40, new=10, end=42, reasons={"not_needed": 6, "too_ill": 2})
    pub, _derived = report_model(tables, start="2021-01-01", end="2021-12-31")
    stock = [r for r in pub.relations if r.total == ("contracts", "kommune", "active_at_end")]
    assert len(stock) == 1 and stock[0].minus == (("contracts", "kommune", "ended", "total"),)
    # Hiding the ended total beside the "<5" cell protects nothing: 40 + 10 − 42 gives the total back (8),
    # so too ill = 8 − 6 = 2 exactly.
    pub.hidden = {("contracts", "kommune", "ended", "counts", "too_ill"): PRIMARY,
                  ("contracts", "kommune", "ended", "total"): COMPLEMENTARY}
    [interval] = audit([pub], below=5)
    assert (interval.low, interval.high, interval.protected) == (2, 2, False)


def test_suppression_hides_a_reason_and_keeps_the_ended_total():
    tables = _contracts(start=40, new=10, end=42, reasons={"not_needed": 6, "too_ill": 2})
    shown, pub, intervals = disclose(tables, below=5, start="2021-01-01", end="2021-12-31")
    ended = shown["contracts"]["kommune"]["ended"]
    assert ended["total"] == 8  # printed in every column, as the identity gives it anyway
    assert ended["counts"]["too_ill"] == "<5" and ended["counts"]["not_needed"] is None
    assert all(i.protected for i in intervals) and intervals[0].possible >= 3


def test_a_relation_the_raw_figures_break_is_left_out():
    # a contract ended before it was granted (bad data): 40 + 10 − 8 ≠ 41, so the identity tells nothing
    tables = _contracts(start=40, new=10, end=41, reasons={"not_needed": 6, "too_ill": 2})
    pub, _derived = report_model(tables, start="2021-01-01", end="2021-12-31")
    assert not [r for r in pub.relations if r.total == ("contracts", "kommune", "active_at_end")]
