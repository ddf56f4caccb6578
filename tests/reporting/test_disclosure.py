"""Suppression across the whole report (reporting.disclosure), against hand-worked tables where suppressing
each table on its own leaks a small number, and a property test over random small tables.

The checker here is independent of the module's solver: `scipy.optimize.linprog` over the published figures,
the declared relations and the readers' bounds ("<5": 1–4, "–": at least 1, printed: exact); a weighted
relation (the nights from the stays by length) as the two inequalities a reader has, not as the module's
spread/open unknowns."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from reporting.disclosure import (
    COMPLEMENTARY,
    PRIMARY,
    DisclosureError,
    Publication,
    audit,
    disclose,
    report_model,
    suppress_publication,
)
from reporting.tables.registry import Relation

Q3_2026 = ("2026-07-01", "2026-09-30")


def reader_interval(pubs: list[Publication], below: int, pub_index: int, path) -> tuple[int, int]:
    """What a reader can work out about one hidden cell from every publication (scipy's linprog)."""
    keys, bounds, index = [], [], {}

    def var(i, p):
        pub = pubs[i]
        key = (pub.start, pub.end, p, pub.values[p])
        if key not in index:
            index[key] = len(keys)
            keys.append(key)
            bounds.append((1, below - 1) if pub.hidden[p] == PRIMARY else (1, None))
        return index[key]

    def row(i, terms):
        coefs, rhs = {}, 0.0
        for c, p in terms:
            if p in pubs[i].hidden:
                k = var(i, p)
                coefs[k] = coefs.get(k, 0) + c
            else:
                rhs -= c * pubs[i].values[p]
        return coefs, rhs

    rows, below_rows = [], []  # sum = rhs; sum <= rhs
    for i, pub in enumerate(pubs):
        for r in pub.relations:
            if not r.per_part:
                rows.append(row(i, [(1, r.total), *[(-1, q) for q in r.parts], *[(1, q) for q in r.minus]]))
                continue
            # sum(low × part) <= total + minus <= sum(high × part), the upper bound only where every part
            # without one is printed as 0
            sides = [(1, r.total), *[(1, q) for q in r.minus]]
            ranges = list(zip(r.parts, r.per_part, strict=True))
            below_rows.append(row(i, [*[(lo, q) for q, (lo, _hi) in ranges], *[(-c, q) for c, q in sides]]))
            if all(hi is not None or (q not in pub.hidden and pub.values[q] == 0) for q, (_lo, hi) in ranges):
                below_rows.append(row(i, [*sides, *[(-(hi or 0), q) for q, (_lo, hi) in ranges]]))
    target = var(pub_index, path)
    a_eq = [[coefs.get(j, 0) for j in range(len(keys))] for coefs, _ in rows if coefs]
    b_eq = [rhs for coefs, rhs in rows if coefs]
    a_ub = [[coefs.get(j, 0) for j in range(len(keys))] for coefs, _ in below_rows if coefs]
    b_ub = [rhs for coefs, rhs in below_rows if coefs]
    out = []
    for sign in (1, -1):
        c = [0] * len(keys)
        c[target] = sign
        res = linprog(c, A_eq=a_eq or None, b_eq=b_eq or None, A_ub=a_ub or None, b_ub=b_ub or None,
                      bounds=bounds, method="highs")
        out.append(math.inf if res.status == 3 else sign * res.fun)
    return math.ceil(out[0] - 1e-6), (math.floor(out[1] + 1e-6) if math.isfinite(out[1]) else 10**9)


def assert_protected(pubs: list[Publication], below: int = 5) -> None:
    need = min(3, below - 1)
    for i, pub in enumerate(pubs):
        for path in pub.hidden:
            if 0 < pub.values[path] < below:
                low, high = reader_interval(pubs, below, i, path)
                assert high - low + 1 >= need, (path, low, high)


# --- the three leaks of the issue, and the 70+ nights ------------------------------------------------------


def test_turned_away_reasons_inside_one_table():
    """8 turned away; no_bed 6, not_eligible 0, two reasons "<5": printed zeros pin both at 1. One more cell
    must go, and the cheapest is no_bed (the total 8 is printed twice and is a total)."""
    tables = {"requests": {"region": {
        "outcomes": {"counts": {"booked": 20, "turned_away": 8, "withdrawn": 6, "pending": 0}, "total": 34},
        "turned_away_reasons": {"counts": {"no_bed": 6, "not_eligible": 0, "no_contract": 1, "other": 1},
                                "total": 8}}}}
    shown, pub, intervals = disclose(tables, below=5, start=Q3_2026[0], end=Q3_2026[1])
    reasons = shown["requests"]["region"]["turned_away_reasons"]
    assert reasons == {"counts": {"no_bed": None, "not_eligible": 0, "no_contract": "<5", "other": "<5"},
                       "total": 8}
    assert shown["requests"]["region"]["outcomes"]["counts"]["turned_away"] == 8
    # 1 + 1 + no_bed = 8 with no_bed >= 1: each small cell can be 1, 2, 3 or 4
    assert {(i.path[-1], i.low, i.high) for i in intervals} == {("no_contract", 1, 4), ("other", 1, 4)}
    assert_protected([pub])


def test_unique_citizens_hidden_in_one_table_printed_in_another():
    """One citizen with 1–2 stays, 12 with 3–9: the stay table hides its total, but the holders table prints
    the same 13 citizens as active holders, so 13 − 12 = 1. Suppression sees the relation."""
    tables = {
        "stays": {"kommune": {"stays": 60, "unique_citizens": 13, "nights": 120, "stays_per_citizen": 4.62,
                              "nights_per_stay": 2.0, "max_stays_one_citizen": 9, "max_nights_one_citizen": 20,
                              "citizens_by_stays": {"1-2": 1, "3-9": 12, "10+": 0},
                              "stays_by_nights": {"0-1": 10, "2": 20, "3": 20, "4": 5, "5+": 5}}},
        "holders_activity": {"kommune": {"counts": {"active": 13, "inactive": 7}, "total": 20}},
    }
    shown, pub, intervals = disclose(tables, below=5, start="2022-01-01", end="2022-03-31")
    assert shown["stays"]["kommune"]["citizens_by_stays"]["1-2"] == "<5"
    hidden = {p for p, kind in pub.hidden.items() if kind == COMPLEMENTARY}
    # either both printings of the 13 are hidden, or the 12 beside the small cell is
    assert ("stays", "kommune", "citizens_by_stays", "3-9") in hidden or {
        ("stays", "kommune", "unique_citizens"), ("holders_activity", "kommune", "counts", "active")} <= hidden
    assert shown["stays"]["kommune"]["stays_per_citizen"] is None or \
        shown["stays"]["kommune"]["unique_citizens"] is not None
    assert_protected([pub])


def test_diagnosis_total_hidden_against_the_holders_printed():
    """Table 14's total hidden while table 15 (the holders) prints 202: the two "<5" cells would add up to
    202 − 200 = 2, so both are 1."""
    diagnosis = {"DF2": 100, "DF3": 100, "DF4": 1, "DF5": 1, "DF6": 0, "unknown": 0}
    tables = {
        "diagnoses": {"region": {"diagnosis": {"counts": diagnosis, "total": 202},
                                 "comorbidity": {"counts": {k: 0 for k in diagnosis}, "total": 0}}},
        "holders_activity": {"region": {"counts": {"active": 150, "inactive": 52}, "total": 202}},
    }
    shown, pub, intervals = disclose(tables, below=5, start="2022-01-01", end="2022-03-31")
    counts = shown["diagnoses"]["region"]["diagnosis"]["counts"]
    assert counts["DF4"] == "<5" and counts["DF5"] == "<5"
    assert [counts["DF2"], counts["DF3"]].count(None) == 1  # one large cell hidden, a part before the total
    assert shown["holders_activity"]["region"]["total"] == 202
    assert all(i.protected and i.high - i.low >= 2 for i in intervals)
    assert_protected([pub])


def test_nights_of_the_oldest_both_small_with_the_sector_total_printed():
    """Nights of municipal citizens aged 70+: both sexes "<5", every other cell and the sector's nights
    printed (also in the stay table), so each would be exactly 1."""
    bands = ("under_20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
    counts = {b: {"F": 20, "M": 15} for b in bands}
    counts["70+"] = {"F": 1, "M": 1}
    total = 6 * 35 + 2
    tables = {
        "nights_age_gender": {"kommune": {"counts": counts, "total": total}},
        "stays": {"kommune": {"stays": 80, "unique_citizens": 30, "nights": total, "stays_per_citizen": 2.67,
                              "nights_per_stay": 2.65, "max_stays_one_citizen": 9, "max_nights_one_citizen": 30,
                              "citizens_by_stays": {"1-2": 10, "3-9": 20, "10+": 0},
                              "stays_by_nights": {"0-1": 20, "2": 20, "3": 20, "4": 10, "5+": 10}}},
    }
    shown, pub, intervals = disclose(tables, below=5, start="2022-01-01", end="2022-03-31")
    seventy = shown["nights_age_gender"]["kommune"]["counts"]["70+"]
    assert seventy == {"F": "<5", "M": "<5"}
    assert sum(1 for kind in pub.hidden.values() if kind == COMPLEMENTARY) == 1  # one cell is enough
    assert shown["stays"]["kommune"]["nights"] == total  # a part went, not the total printed twice
    assert_protected([pub])


def test_a_quarter_against_the_year_published_before():
    """The year (20) and the first three quarters (5, 6, 7) are printed: the fourth quarter's 2 is pinned
    whatever its own report hides, so its report is refused."""
    def pub(start, end, value, other):
        return Publication(start=start, end=end,
                           values={("t", "a"): value, ("t", "b"): other, ("t", "n"): value + other},
                           relations=[Relation(total=("t", "n"), parts=(("t", "a"), ("t", "b")))],
                           flows=frozenset({("t", "a"), ("t", "b"), ("t", "n")}))

    quarters = [pub("2022-01-01", "2022-03-31", 5, 10), pub("2022-04-01", "2022-06-30", 6, 10),
                pub("2022-07-01", "2022-09-30", 7, 10)]
    year = pub("2022-01-01", "2022-12-31", 20, 40)
    for p in [*quarters, year]:
        suppress_publication(p, below=5, published=[])
    q4 = pub("2022-10-01", "2022-12-31", 2, 10)
    with pytest.raises(DisclosureError) as refused:
        suppress_publication(q4, below=5, published=[*quarters, year])
    assert refused.value.unprotected[0].path == ("t", "a") and refused.value.unprotected[0].low == 2

    # in the other order the year hides its 20 (and so its total or the other part) and both are safe
    q4 = pub("2022-10-01", "2022-12-31", 2, 10)
    suppress_publication(q4, below=5, published=quarters)
    year = pub("2022-01-01", "2022-12-31", 20, 40)
    suppress_publication(year, below=5, published=[*quarters, q4])
    assert year.hidden[("t", "a")] == COMPLEMENTARY
    assert_protected([*quarters, q4, year])


def test_no_suppression_below_two_and_zeros_printed():
    tables = {"requests": {"kommune": {
        "outcomes": {"counts": {"booked": 3, "turned_away": 0, "withdrawn": 0, "pending": 0}, "total": 3},
        "turned_away_reasons": {"counts": {"no_bed": 0, "not_eligible": 0, "no_contract": 0, "other": 0},
                                "total": 0}}}}
    raw, _pub, _ = disclose(tables, below=0, start=Q3_2026[0], end=Q3_2026[1])
    assert raw == tables
    shown, pub, intervals = disclose(tables, below=5, start=Q3_2026[0], end=Q3_2026[1])
    # 3 booked = the total 3: both "<5", 1–4 each; zeros stay printed
    assert shown["requests"]["kommune"]["outcomes"] == {
        "counts": {"booked": "<5", "turned_away": 0, "withdrawn": 0, "pending": 0}, "total": "<5"}
    assert all(i.low == 1 and i.high == 4 for i in intervals)


# --- the nights from the stays by length ---------------------------------------------------------------------


def _stay_table(buckets: dict, nights: int) -> dict:
    return {"stays": {"kommune": {
        "stays": sum(buckets.values()), "unique_citizens": 12, "nights": nights, "stays_per_citizen": 2.42,
        "nights_per_stay": 1.86, "max_stays_one_citizen": 5, "max_nights_one_citizen": 14,
        "citizens_by_stays": {"1-2": 6, "3-9": 6, "10+": 0}, "stays_by_nights": buckets}}}


BUCKET = ("stays", "kommune", "stays_by_nights")


def test_nights_with_exact_lengths_pin_what_the_stay_counts_alone_protect():
    """29 stays: 5 of 0–1 nights (all 0 nights), 20 of 2, 2 of 3, 2 of 4, none of 5+; 54 nights. Worked by hand:
    the stay counts alone leave the two "<5" cells (3 and 4 nights) with 3 + 4 = 29 − 5 − 20 = 4, so 1–3 each,
    which is what an audit without the nights sees. A reader also has 54 = N + 2 × 20 + 3 × b3 + 4 × b4 with N,
    the nights of the 0–1 stays, from 0 to 5: with b3 = 4 − b4 that is N + b4 = 2, so b4 is 1 or 2 and b3 3 or
    2: two values each, not the three the rule asks. With the relation declared, suppression hides the 0–1 and
    2-night counts too ("–"); then every b4 from 1 to 4 fits in whole numbers (b3 = 1, b4 = 4: b2 = 17, N = 1,
    0–1 stays 7; b4 = 1: b2 = 23, N = 1, 0–1 stays 4), and so does every b3."""
    tables = _stay_table({"0-1": 5, "2": 20, "3": 2, "4": 2, "5+": 0}, nights=54)
    three, four = (*BUCKET, "3"), (*BUCKET, "4")

    pub, _derived = report_model(tables, start="2022-01-01", end="2022-03-31")
    nights = [r for r in pub.relations if r.per_part]
    assert [(r.total, r.per_part) for r in nights] == [
        (("stays", "kommune", "nights"), ((0, 1), (2, 2), (3, 3), (4, 4), (5, None)))]
    blind = Publication(start=pub.start, end=pub.end, values=pub.values,
                        relations=[r for r in pub.relations if not r.per_part], flows=pub.flows)
    intervals = suppress_publication(blind, below=5)  # as the audit was, without the nights
    assert blind.hidden == {three: PRIMARY, four: PRIMARY}
    assert {(i.path, i.low, i.high, i.protected) for i in intervals} == {(three, 1, 3, True), (four, 1, 3, True)}
    blind.relations = pub.relations  # what the reader has: the nights printed beside the lengths
    assert reader_interval([blind], 5, 0, four) == (1, 2) and reader_interval([blind], 5, 0, three) == (2, 3)

    shown, pub, intervals = disclose(tables, below=5, start="2022-01-01", end="2022-03-31")
    assert shown["stays"]["kommune"]["stays_by_nights"] == {"0-1": None, "2": None, "3": "<5", "4": "<5", "5+": 0}
    assert shown["stays"]["kommune"]["nights"] == 54 and shown["stays"]["kommune"]["stays"] == 29
    assert {(i.path, i.low, i.high, i.protected) for i in intervals} == {(three, 1, 4, True), (four, 1, 4, True)}
    assert_protected([pub])


def test_a_stay_of_five_nights_or_more_adds_at_least_five():
    """3 stays of 2 nights, 1 of 3, 1 of 12 (5+); 21 nights. "5+" adds at least 5, not exactly 5: a reader
    has 21 >= 2 × b2 + 3 × b3 + 5 × b5 and nothing more, and the relation holds although 6 + 3 + 5 = 14 < 21.
    An exact "5 each" would be infeasible (14 ≠ 21); as a lower bound the hidden counts keep their values."""
    tables = _stay_table({"0-1": 0, "2": 3, "3": 1, "4": 0, "5+": 1}, nights=21)
    shown, pub, intervals = disclose(tables, below=5, start="2022-01-01", end="2022-03-31")
    assert [r.total for r in pub.relations if r.per_part] == [("stays", "kommune", "nights")]
    assert intervals and all(i.protected for i in intervals)
    assert_protected([pub])
    again = Publication.from_json(pub.to_json())  # stored with the run, read back for the next audit
    assert again.relations == pub.relations and again.hidden == pub.hidden


def whole_values(pub: Publication, below: int, path, cap: int = 60) -> set[int]:
    """Every whole value of one hidden cell that fits all the publication's relations with whole values for
    the other hidden cells ("<N": 1 to N-1, "–": 1 to `cap`), found by trying them all."""
    import itertools

    hidden = sorted(pub.hidden)
    ranges = [range(1, below) if pub.hidden[p] == PRIMARY else range(1, cap + 1) for p in hidden]
    found = set()
    for choice in itertools.product(*ranges):
        values = {**pub.values, **dict(zip(hidden, choice, strict=True))}
        if all(_fits(r, values) for r in pub.relations):
            found.add(values[path])
    return found


def _fits(r: Relation, values: dict) -> bool:
    total = values[r.total] + sum(values[p] for p in r.minus)
    if not r.per_part:
        return total == sum(values[p] for p in r.parts)
    pairs = list(zip(r.parts, r.per_part, strict=True))
    if total < sum(lo * values[p] for p, (lo, _hi) in pairs):
        return False
    return any(hi is None and values[p] > 0 for p, (_lo, hi) in pairs) or \
        total <= sum((hi or 0) * values[p] for p, (_lo, hi) in pairs)


def test_a_parity_of_the_nights_is_counted_in_whole_numbers():
    """24 stays: 20 of 2 nights, 2 of 3, 2 of 4, none of 0–1 or 5+; 54 nights. Hiding the stays and the 2-night
    count ("–") leaves 2 × b2 + 3 × b3 + 4 × b4 = 54 with b2 free: the interval of the linear program gives b3
    1–4, but 3 × b3 must be even, so b3 is 2 or 4, two values (tried one by one below). The audit counts whole
    values where a weighted sum binds this tightly, and hides the nights instead: b3 + b4 = 24 − 20 = 4 leaves
    1, 2 or 3 for each, and with the nights "–" nothing ties them further."""
    tables = _stay_table({"0-1": 0, "2": 20, "3": 2, "4": 2, "5+": 0}, nights=54)
    three, four = (*BUCKET, "3"), (*BUCKET, "4")
    pub, _derived = report_model(tables, start="2022-01-01", end="2022-03-31")
    pub.hidden = {three: PRIMARY, four: PRIMARY, ("stays", "kommune", "stays"): COMPLEMENTARY,
                  (*BUCKET, "2"): COMPLEMENTARY}
    assert reader_interval([pub], 5, 0, three) == (1, 4)  # the linear program's interval
    assert whole_values(pub, 5, three) == {2, 4}
    (interval,) = [i for i in audit([pub], below=5) if i.path == three]
    assert (interval.low, interval.high, interval.possible, interval.protected) == (2, 4, 2, False)

    shown, pub, intervals = disclose(tables, below=5, start="2022-01-01", end="2022-03-31")
    assert shown["stays"]["kommune"]["nights"] is None and shown["stays"]["kommune"]["stays"] == 29 - 5
    assert shown["stays"]["kommune"]["stays_by_nights"] == {"0-1": 0, "2": 20, "3": "<5", "4": "<5", "5+": 0}
    assert whole_values(pub, 5, three) == whole_values(pub, 5, four) == {1, 2, 3}
    assert {(i.path, i.low, i.high, i.possible) for i in intervals} == {(three, 1, 3, 3), (four, 1, 3, 3)}


@st.composite
def stay_lengths(draw):
    """A sector's stays (1–20, 0–9 nights each), as the stay table and the nights by gender print them."""
    lengths = draw(st.lists(st.tuples(st.integers(min_value=0, max_value=9), st.booleans()), min_size=1,
                            max_size=20))
    buckets = dict.fromkeys(("0-1", "2", "3", "4", "5+"), 0)
    for n, _female in lengths:
        buckets["0-1" if n <= 1 else "5+" if n >= 5 else str(n)] += 1
    women = sum(n for n, female in lengths if female)
    nights = sum(n for n, _female in lengths)
    tables = _stay_table(buckets, nights=nights)
    tables["nights_age_gender"] = {"kommune": {"counts": {"30-39": {"F": women, "M": nights - women}},
                                               "total": nights}}
    return tables, draw(st.sampled_from([3, 5]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stay_lengths())
def test_random_stays_never_leave_a_small_length_narrowed_by_the_nights(case):
    tables, below = case
    try:
        _shown, pub, _intervals = disclose(tables, below=below, start="2022-01-01", end="2022-03-31")
    except DisclosureError:
        pytest.fail("a stay table with its nights could not be protected")
    assert any(r.per_part for r in pub.relations)
    assert_protected([pub], below)


# --- property: random small tables with relations ---------------------------------------------------------


@st.composite
def linked_tables(draw):
    """One to three breakdowns of the same population (their totals equal), each a partition of 2–5 small
    cells, sometimes with one part broken down again, zeros included."""
    total = draw(st.integers(min_value=0, max_value=30))
    below = draw(st.sampled_from([3, 5]))
    values, relations = {}, []
    for t in range(draw(st.integers(min_value=1, max_value=3))):
        k = draw(st.integers(min_value=2, max_value=5))
        cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=total), min_size=k - 1, max_size=k - 1)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        names = [(f"t{t}", "counts", f"c{i}") for i in range(k)]
        values.update(dict(zip(names, parts, strict=True)))
        values[(f"t{t}", "total")] = total
        relations.append(Relation(total=(f"t{t}", "total"), parts=tuple(names)))
        if t:
            relations.append(Relation(total=(f"t{t}", "total"), parts=(("t0", "total"),)))
        if draw(st.booleans()) and parts[0] > 0:
            split = draw(st.integers(min_value=0, max_value=parts[0]))
            sub = [(f"t{t}", "sub", "x"), (f"t{t}", "sub", "y")]
            values.update({sub[0]: split, sub[1]: parts[0] - split})
            relations.append(Relation(total=names[0], parts=tuple(sub)))
    return Publication(start="2022-01-01", end="2022-03-31", values=values, relations=relations), below


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables())
def test_random_tables_never_leave_a_small_cell_narrowed(case):
    pub, below = case
    try:
        suppress_publication(pub, below=below)
    except DisclosureError:
        pytest.fail("a small table with relations could not be protected")
    assert all(pub.hidden.get(p) == PRIMARY or pub.hidden.get(p) == COMPLEMENTARY
               for p, v in pub.values.items() if 0 < v < below)
    assert all(pub.values[p] > 0 for p in pub.hidden)  # zeros are always printed
    assert_protected([pub], below)


# --- as few hidden as protection allows ---------------------------------------------------------------------


def test_a_dash_the_protection_does_not_need_is_printed_again():
    """Four citizens, all small: table 0 splits them 0/1/0/1/2, tables 1 and 2 give all four in one part.
    Worked by hand: the population (4) must be "–", since "<5" in tables 1 and 2 plus three parts of at least
    1 in table 0 would pin it to 3 or 4. With the totals "–" (at least 3, no upper bound), each part of table 0
    printed as "<5" still has the four values 1..4: they need not be "–" too, although making them so is the
    first thing the protection tries."""
    parts0 = [("t0", "counts", f"c{i}") for i in range(5)]
    values = dict(zip(parts0, [0, 1, 0, 1, 2], strict=True)) | {("t0", "total"): 4}
    relations = [Relation(total=("t0", "total"), parts=tuple(parts0))]
    for t in (1, 2):
        names = [(f"t{t}", "counts", "c0"), (f"t{t}", "counts", "c1")]
        values |= {names[0]: 0, names[1]: 4, (f"t{t}", "total"): 4}
        relations += [Relation(total=(f"t{t}", "total"), parts=tuple(names)),
                      Relation(total=(f"t{t}", "total"), parts=(("t0", "total"),))]
    pub = Publication(start="2022-01-01", end="2022-03-31", values=values, relations=relations)
    suppress_publication(pub, below=5)
    assert {p: pub.hidden[p] for p in parts0 if p in pub.hidden} == {
        ("t0", "counts", "c1"): PRIMARY, ("t0", "counts", "c3"): PRIMARY, ("t0", "counts", "c4"): PRIMARY}
    for t in (0, 1, 2):
        assert pub.hidden[(f"t{t}", "total")] == COMPLEMENTARY
    assert pub.hidden[("t1", "counts", "c1")] == pub.hidden[("t2", "counts", "c1")] == COMPLEMENTARY
    assert_protected([pub])


def _same_figure(pub: Publication, path) -> set:
    """The cells that are one figure printed in several places (single-part relations), `path` included."""
    group, todo = {path}, [path]
    while todo:
        p = todo.pop()
        for r in pub.relations:
            if len(r.parts) == 1 and not r.minus and p in (r.total, r.parts[0]):
                for q in (r.total, r.parts[0]):
                    if q not in group:
                        group.add(q)
                        todo.append(q)
    return group


def _protected(pub: Publication, below: int) -> bool:
    need = min(3, below - 1)
    for path in pub.hidden:
        if 0 < pub.values[path] < below:
            low, high = reader_interval([pub], below, 0, path)
            if high - low + 1 < need:
                return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables())
def test_no_dash_can_be_printed_again_without_narrowing_a_small_cell(case):
    """Local minimality: printing any "–" again (as its figure, or "<N" for a small one), together with the
    places the same figure is printed, would let a reader narrow some small cell (the independent checker)."""
    pub, below = case
    suppress_publication(pub, below=below)
    for path in [p for p, kind in pub.hidden.items() if kind == COMPLEMENTARY]:
        saved = dict(pub.hidden)
        for p in _same_figure(pub, path):
            if pub.hidden.get(p) == COMPLEMENTARY:
                if 0 < pub.values[p] < below:
                    pub.hidden[p] = PRIMARY
                else:
                    del pub.hidden[p]
        assert not _protected(pub, below), path
        pub.hidden = saved
