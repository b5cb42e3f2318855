"""Tests of mutasi_analysis.suppression: no hidden cell can be recovered from what is shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from mutasi_analysis.config import load_config
from mutasi_analysis.suppression import recoverable_cells, suppress, suppress_long


def _with_totals(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    t["Total"] = t.sum(axis=1)
    t.loc["Total"] = t.sum(axis=0)
    return t


def _subtraction_attack(values: pd.DataFrame, hidden: pd.DataFrame, row_totals, col_totals) -> dict:
    """What a reader recovers by repeatedly subtracting visible cells from a known total.

    ``values`` are the interior counts (the attacker only reads the visible ones);
    ``row_totals``/``col_totals`` the totals the reader knows (None where unknown).
    """
    known = {(i, j): values.at[i, j] for i in values.index for j in values.columns if not hidden.at[i, j]}
    recovered = {}
    changed = True
    while changed:
        changed = False
        lines = []
        if row_totals is not None:
            lines += [([(i, j) for j in values.columns], row_totals[i]) for i in values.index]
        if col_totals is not None:
            lines += [([(i, j) for i in values.index], col_totals[j]) for j in values.columns]
        for cells, total in lines:
            unknown = [c for c in cells if c not in known]
            if len(unknown) == 1:
                cell = unknown[0]
                known[cell] = total - sum(known[c] for c in cells if c != cell)
                recovered[cell] = known[cell]
                changed = True
    return recovered


def _lp_audit(counts: pd.DataFrame, hidden: pd.DataFrame) -> dict:
    """Range of each hidden interior cell over all non-negative tables matching what is shown.

    Independent of the module: scipy's LP solver, row and column totals known (the default
    ``published="both"``), visible cells fixed.
    """
    cells = [(i, j) for i in counts.index for j in counts.columns]
    pos = {c: k for k, c in enumerate(cells)}
    A, b = [], []
    for i in counts.index:
        a = np.zeros(len(cells))
        a[[pos[(i, j)] for j in counts.columns]] = 1
        A.append(a), b.append(counts.loc[i].sum())
    for j in counts.columns:
        a = np.zeros(len(cells))
        a[[pos[(i, j)] for i in counts.index]] = 1
        A.append(a), b.append(counts[j].sum())
    bounds = [(0, None) if hidden.at[c] else (counts.at[c], counts.at[c]) for c in cells]
    out = {}
    for c in cells:
        if not hidden.at[c]:
            continue
        obj = np.zeros(len(cells))
        obj[pos[c]] = 1
        lo = linprog(obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
        hi = linprog(-obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
        assert lo.status == 0 and hi.status == 0
        out[c] = (lo.fun, -hi.fun)
    return out


def test_primary_cells_are_hidden_and_totals_reveal_nothing():
    t = pd.DataFrame([[3, 10, 12], [8, 9, 20], [15, 2, 11]], index=list("abc"), columns=list("xyz"))
    s = suppress(t, min_cell=5)
    assert s.primary.at["a", "x"] and s.primary.at["c", "y"]
    assert s.n_primary == 2
    assert s.hidden.to_numpy().sum() == 4  # the minimal pattern: a 2 x 2 rectangle
    assert s.hidden.loc[["a", "c"], ["x", "y"]].to_numpy().all()
    assert pd.isna(s.table.at["a", "x"]) and s.table.at["b", "z"] == 20
    assert _subtraction_attack(t, s.hidden, t.sum(axis=1), t.sum(axis=0)) == {}
    assert not recoverable_cells(s.hidden).to_numpy().any()
    for lo, hi in _lp_audit(t, s.hidden).values():
        assert hi - lo >= 1


def test_primary_suppression_alone_would_be_undone_by_subtraction():
    # the attacker in these tests can fail: with only the small cells hidden it recovers them
    t = pd.DataFrame([[3, 10, 12], [8, 9, 20], [15, 2, 11]], index=list("abc"), columns=list("xyz"))
    s = suppress(t, min_cell=5)
    recovered = _subtraction_attack(t, s.primary, t.sum(axis=1), t.sum(axis=0))
    assert recovered == {("a", "x"): 3, ("c", "y"): 2}
    assert recoverable_cells(s.primary).to_numpy().sum() == 2


@pytest.mark.simulation
def test_random_tables_never_expose_a_hidden_cell():
    rng = np.random.default_rng(2026)
    for rep in range(40):
        r, c = rng.integers(2, 7, size=2)
        vals = rng.negative_binomial(2, 0.25, size=(r, c))  # many small cells, some zeros
        t = pd.DataFrame(vals, index=[f"r{i}" for i in range(r)], columns=[f"c{j}" for j in range(c)])
        s = suppress(t, min_cell=5)
        small = (t > 0) & (t < 5)
        assert s.hidden[small].fillna(False).to_numpy().sum() == small.to_numpy().sum()
        assert s.primary.equals(small)
        assert _subtraction_attack(t, s.hidden, t.sum(axis=1), t.sum(axis=0)) == {}, rep
        assert not recoverable_cells(s.hidden).to_numpy().any(), rep
        for cell, (lo, hi) in _lp_audit(t, s.hidden).items():
            assert hi - lo >= 1 - 1e-9, (rep, cell, lo, hi)
        # shown with its margins, the totals row and column are protected too
        full = _with_totals(t)
        s2 = suppress(full, min_cell=5, total_row="Total", total_col="Total")
        assert not recoverable_cells(s2.hidden, total_row="Total", total_col="Total").to_numpy().any(), rep
        tot_small = (full > 0) & (full < 5)
        assert s2.hidden[tot_small].fillna(False).to_numpy().sum() == tot_small.to_numpy().sum()


def test_small_total_is_hidden_with_its_cells():
    t = pd.DataFrame([[1, 3, 0], [8, 9, 20], [15, 7, 11]], index=list("abc"), columns=list("xyz"))
    full = _with_totals(t)
    s = suppress(full, min_cell=5, total_row="Total", total_col="Total")
    assert s.hidden.at["a", "Total"]  # 4 people: the total itself is a small cell
    assert s.hidden.at["a", "x"] and s.hidden.at["a", "y"]
    assert not s.hidden.at["a", "z"]  # zero people: nothing to protect
    assert not recoverable_cells(s.hidden, total_row="Total", total_col="Total").to_numpy().any()


def test_shares_take_the_pattern_of_their_counts_and_display_a_marker():
    n = pd.DataFrame({"2025-S1": [12, 4, 9], "2025-S2": [10, 8, 3]}, index=["kantor_camat", "kantor_kelurahan", "puskesmas"])
    share = pd.DataFrame({"2025-S1": [0.25, 0.5, 0.333], "2025-S2": [0.1, 0.375, 0.667]}, index=n.index)
    s = suppress(share, n, min_cell=5)
    assert s.hidden.equals(suppress(n, min_cell=5).hidden)
    assert s.hidden.at["kantor_kelurahan", "2025-S1"] and s.hidden.at["puskesmas", "2025-S2"]
    out = s.formatted(decimals=3)
    assert out.at["kantor_kelurahan", "2025-S1"] == "*"
    assert out.at["kantor_camat", "2025-S1"] == "0,250"
    assert "5 orang" in s.note() and "5 people" in s.note("en")


def test_published_none_needs_no_complements():
    t = pd.DataFrame([[3, 10], [8, 9]], index=list("ab"), columns=list("xy"))
    s = suppress(t, min_cell=5, published="none")
    assert s.hidden.to_numpy().sum() == 1
    both = suppress(t, min_cell=5)
    assert both.hidden.to_numpy().sum() == 4  # a 2 x 2 table: one small cell hides all four


def test_one_column_table_hides_at_least_two_cells():
    t = pd.DataFrame({"n": [2, 30, 25, 40]}, index=list("abcd"))
    s = suppress(t, min_cell=5, published="columns")
    assert s.hidden["n"].sum() == 2
    assert s.hidden.at["a", "n"] and s.hidden.at["c", "n"]  # the smallest complement
    assert not recoverable_cells(s.hidden, published="columns").to_numpy().any()


def test_min_cell_from_config_and_deterministic():
    cfg = load_config("config/alak.toml")
    t = pd.DataFrame([[3, 10, 12], [8, 9, 20], [15, 2, 11]], index=list("abc"), columns=list("xyz"))
    a, b = suppress(t, config=cfg), suppress(t, min_cell=cfg.thresholds.min_cell_size)
    assert a.hidden.equals(b.hidden) and a.table.equals(b.table)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"min_cell": None}, "min_cell or config"),
        ({"min_cell": 0}, "min_cell"),
        ({"min_cell": 5, "published": "some"}, "published"),
        ({"min_cell": 5, "total_row": "nope"}, "total_row"),
    ],
)
def test_misuse_is_a_clear_value_error(kwargs, message):
    t = pd.DataFrame([[3, 10], [8, 9]], index=list("ab"), columns=list("xy"))
    with pytest.raises(ValueError, match=message):
        suppress(t, **kwargs)


def test_bad_counts_are_rejected():
    t = pd.DataFrame([[3, 10], [8, 9]], index=list("ab"), columns=list("xy"))
    with pytest.raises(ValueError, match="index and columns"):
        suppress(t, t.rename(index={"a": "z"}), 5)
    with pytest.raises(ValueError, match="whole numbers"):
        suppress(t, t - 5, 5)
    with pytest.raises(ValueError, match="whole numbers"):
        suppress(t, t + 0.5, 5)
    with pytest.raises(ValueError, match="unique"):
        suppress(pd.concat([t, t]), min_cell=5)
    bad = _with_totals(t)
    bad.at["a", "Total"] = 99
    with pytest.raises(ValueError, match="add up"):
        suppress(bad, min_cell=5, total_row="Total", total_col="Total")


def test_suppress_long_pivots_a_result_table():
    long = pd.DataFrame(
        {
            "jenis_unit": ["puskesmas", "puskesmas", "kantor_kelurahan", "kantor_kelurahan", "kantor_camat"],
            "periode": ["2025-S1", "2025-S2", "2025-S1", "2025-S2", "2025-S2"],
            "share_belum_siap": [0.5, 0.25, 0.4, 0.3, 0.0],
            "n_kesiapan": [12, 8, 10, 20, 3],
        }
    )
    s = suppress_long(long, "jenis_unit", "periode", "share_belum_siap", "n_kesiapan", 5)
    assert s.table.shape == (3, 2)
    assert s.primary.at["kantor_camat", "2025-S2"]
    # nobody there: not a small cell, but the only complement in its row, so hidden too
    assert not s.primary.at["kantor_camat", "2025-S1"] and s.hidden.at["kantor_camat", "2025-S1"]
    assert s.formatted().at["kantor_camat", "2025-S1"] == "*"
    empty = suppress_long(long.iloc[:4], "jenis_unit", "periode", "share_belum_siap", "n_kesiapan", 5)
    assert empty.formatted(decimals=2).at["puskesmas", "2025-S1"] == "0,50"
    assert not recoverable_cells(s.hidden).to_numpy().any()
    assert s.hidden.to_numpy().sum() >= 2
    one = suppress_long(long[long.periode == "2025-S2"], "jenis_unit", None, "share_belum_siap", "n_kesiapan", 5, published="columns")
    assert one.hidden["share_belum_siap"].sum() == 2
    with pytest.raises(ValueError, match="several rows"):
        suppress_long(pd.concat([long, long]), "jenis_unit", "periode", "share_belum_siap", "n_kesiapan", 5)
