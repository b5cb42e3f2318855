"""Small-cell suppression for every table a report shows (UU 27/2022, PDP).

Primary suppression hides each cell built from at least one but fewer than ``min_cell`` people
(``thresholds.min_cell_size`` in the region config). Secondary suppression then hides further
cells until no hidden cell can be recovered exactly from what stays visible and the row and
column totals (shown in the table or known from elsewhere, e.g. a unit's headcount).

A hidden cell is recoverable by subtraction exactly when it is fixed by the linear system
"cells of a row add up to the row total, cells of a column add up to the column total", i.e.
when its unit vector lies in the row space of that system restricted to the hidden cells, or
equivalently when the null space of the restricted system is zero in its coordinate. This is
the idea of the Gaussian-elimination method of Statistics Norway (Langsrud, R package
``GaussSuppression``) and of ``sdcTable``; no maintained Python library does it, so the check is
written here with :func:`scipy.linalg.null_space`, and complementary cells are chosen greedily
(same row or column first, interior before totals, fewest people first).

The pattern is decided on the people counts behind the cells and applied to the table shown,
which may hold counts, shares or means built from those people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from .text import fmt_number, label

__all__ = ["Suppressed", "suppress", "suppress_long", "recoverable_cells"]

_PUBLISHED = ("both", "rows", "columns", "none")


@dataclass(frozen=True)
class Suppressed:
    """A table after suppression.

    Attributes
    ----------
    table : DataFrame
        The values to show, with hidden cells set to missing (float columns become ``Float64``).
    hidden : DataFrame of bool
        True where a cell is hidden (primary or secondary).
    primary : DataFrame of bool
        True where a cell is hidden because fewer than ``min_cell`` people are behind it.
    min_cell : int
        The threshold used.
    """

    table: pd.DataFrame
    hidden: pd.DataFrame
    primary: pd.DataFrame
    min_cell: int

    @property
    def n_primary(self) -> int:
        """Number of cells hidden by the minimum-size rule."""
        return int(self.primary.to_numpy().sum())

    @property
    def n_secondary(self) -> int:
        """Number of cells hidden only to protect the primary ones."""
        return int(self.hidden.to_numpy().sum()) - self.n_primary

    def formatted(self, decimals: int | dict = 1, lang: str = "id", marker: str = "*") -> pd.DataFrame:
        """The table as display strings: numbers the Indonesian way, hidden cells as ``marker``.

        Parameters
        ----------
        decimals : int or dict
            Decimals for every column, or per column name.
        lang : {"id", "en"}
        marker : str
            What a hidden cell shows; :meth:`note` explains it.
        """
        out = {}
        for col in self.table.columns:
            d = decimals.get(col, 1) if isinstance(decimals, dict) else decimals
            vals = []
            for v, h in zip(self.table[col], self.hidden[col]):
                if h:
                    vals.append(marker)
                elif isinstance(v, str):
                    vals.append(v)
                elif pd.isna(v):
                    vals.append("-")
                else:
                    vals.append(fmt_number(v, d, lang))
            out[col] = vals
        return pd.DataFrame(out, index=self.table.index, dtype="str")

    def note(self, lang: str = "id") -> str:
        """The footnote a report prints under the table."""
        return label("catatan_sensor", lang).format(min_cell=self.min_cell)


def _constraints(shape, total_row, total_col, published):
    """Additivity constraints over the (r+1) x (c+1) grid of interior cells and margins.

    Returns the constraint matrix over all grid cells and a mask of the cells that exist in
    the table shown (the others are margins known from elsewhere: never hidden).
    """
    r, c = shape  # interior size
    R, C = r + 1, c + 1  # the last row/column are the margins
    idx = lambda i, j: i * C + j  # noqa: E731
    rows = []
    row_totals = total_col is not None or published in ("both", "rows")
    col_totals = total_row is not None or published in ("both", "columns")
    if row_totals:
        for i in range(r):
            a = np.zeros(R * C)
            a[[idx(i, j) for j in range(c)]] = 1
            a[idx(i, c)] = -1
            rows.append(a)
        if col_totals:  # the column of row totals adds up to the grand total
            a = np.zeros(R * C)
            a[[idx(i, c) for i in range(r)]] = 1
            a[idx(r, c)] = -1
            rows.append(a)
    if col_totals:
        for j in range(c):
            a = np.zeros(R * C)
            a[[idx(i, j) for i in range(r)]] = 1
            a[idx(r, j)] = -1
            rows.append(a)
        if row_totals:
            a = np.zeros(R * C)
            a[[idx(r, j) for j in range(c)]] = 1
            a[idx(r, c)] = -1
            rows.append(a)
    A = np.array(rows) if rows else np.zeros((0, R * C))
    return A


def _determined(A: np.ndarray, hidden: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Boolean over all cells: hidden and fixed by the constraints given the visible cells."""
    out = np.zeros(hidden.shape, dtype=bool)
    h = np.flatnonzero(hidden)
    if len(h) == 0:
        return out
    sub = A[:, h]
    sub = sub[np.abs(sub).sum(axis=1) > 0]
    if sub.shape[0] == 0:
        return out
    ns = null_space(sub)
    if ns.shape[1] == 0:
        out[h] = True
        return out
    out[h] = np.abs(ns).max(axis=1) < tol
    return out


def _layout(frame: pd.DataFrame, total_row, total_col):
    """Row and column labels on the (r+1) x (c+1) grid; None marks a margin not in the table."""
    rows = [i for i in frame.index if i != total_row] + [total_row]
    cols = [j for j in frame.columns if j != total_col] + [total_col]
    C = len(cols)
    exists = np.zeros(len(rows) * C, dtype=bool)
    for i, ri in enumerate(rows):
        for j, cj in enumerate(cols):
            exists[i * C + j] = not ((i == len(rows) - 1 and total_row is None) or (j == C - 1 and total_col is None))
    return rows, cols, exists


def _to_grid(frame: pd.DataFrame, rows, cols, exists) -> np.ndarray:
    C = len(cols)
    out = np.zeros(len(rows) * C)
    for i, ri in enumerate(rows):
        for j, cj in enumerate(cols):
            if exists[i * C + j]:
                out[i * C + j] = frame.at[ri, cj]
    return out


def _from_grid(mask: np.ndarray, like: pd.DataFrame, rows, cols, exists) -> pd.DataFrame:
    C = len(cols)
    out = pd.DataFrame(False, index=like.index, columns=like.columns)
    for i, ri in enumerate(rows):
        for j, cj in enumerate(cols):
            if exists[i * C + j] and mask[i * C + j]:
                out.at[ri, cj] = True
    return out


def recoverable_cells(hidden: pd.DataFrame, *, total_row=None, total_col=None, published: str = "both") -> pd.DataFrame:
    """Which hidden cells could be recovered exactly from the visible cells and the totals.

    Parameters
    ----------
    hidden : DataFrame of bool
        A suppression pattern (as :attr:`Suppressed.hidden`).
    total_row, total_col, published
        As for :func:`suppress`.

    Returns
    -------
    DataFrame of bool
        True where a hidden cell is exposed; all False for a safe pattern.
    """
    if published not in _PUBLISHED:
        raise ValueError(f"published must be one of {', '.join(_PUBLISHED)}, got {published!r}")
    rows, cols, exists = _layout(hidden, total_row, total_col)
    mask = _to_grid(hidden.astype(bool), rows, cols, exists).astype(bool)
    A = _constraints((len(rows) - 1, len(cols) - 1), total_row, total_col, published)
    return _from_grid(_determined(A, mask), hidden, rows, cols, exists)


def suppress(
    table: pd.DataFrame,
    counts: pd.DataFrame | None = None,
    min_cell: int | None = None,
    *,
    config=None,
    total_row=None,
    total_col=None,
    published: str = "both",
) -> Suppressed:
    """Hide cells from fewer than ``min_cell`` people, and enough others that totals do not reveal them.

    Parameters
    ----------
    table : DataFrame
        The table to show (counts, shares, means...). It may include a total row and/or a
        total column, named by ``total_row`` / ``total_col``.
    counts : DataFrame, optional
        People behind each cell, same index and columns as ``table``; the cells must add up
        to the totals (each person in one cell of a row and one of a column). Defaults to
        ``table`` itself (a table of head counts).
    min_cell : int, optional
        Minimum people per shown cell; defaults to ``config.thresholds.min_cell_size``.
    config : RegionConfig, optional
        Source of ``min_cell`` when it is not given.
    total_row, total_col : label, optional
        Labels of the total row/column inside ``table``, if it shows them. Totals can be
        hidden too.
    published : {"both", "rows", "columns", "none"}, default "both"
        Which totals a reader can know even when the table does not show them (row totals,
        column totals, both, or none). The default is the safe assumption: headcounts per
        unit and per period are public elsewhere.

    Returns
    -------
    Suppressed
        The table with hidden cells missing, the masks, and a display helper.

    Raises
    ------
    ValueError
        When ``table`` and ``counts`` differ in shape or labels, counts are negative or not
        whole, totals do not add up, or neither ``min_cell`` nor ``config`` is given.

    Notes
    -----
    A cell with zero people is not sensitive (nobody to protect) and is used as a complement
    only when nothing else is left. Suppression cannot protect against what is not a total:
    a share of 100% in a visible cell still says something about everyone in it.
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be a DataFrame, got {type(table).__name__}")
    if published not in _PUBLISHED:
        raise ValueError(f"published must be one of {', '.join(_PUBLISHED)}, got {published!r}")
    if min_cell is None:
        if config is None:
            raise ValueError("give min_cell or config (thresholds.min_cell_size)")
        min_cell = config.thresholds.min_cell_size
    if isinstance(min_cell, bool) or not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise ValueError(f"min_cell must be a whole number >= 1, got {min_cell!r}")
    counts = table if counts is None else counts
    if not isinstance(counts, pd.DataFrame):
        raise ValueError(f"counts must be a DataFrame, got {type(counts).__name__}")
    if not (counts.index.equals(table.index) and counts.columns.equals(table.columns)):
        raise ValueError("counts must have exactly the index and columns of table (one people count per cell)")
    if not (table.index.is_unique and table.columns.is_unique):
        raise ValueError("table needs unique row and column labels; aggregate duplicates first")
    if total_row is not None and total_row not in table.index:
        raise ValueError(f"total_row {total_row!r} is not a row of the table")
    if total_col is not None and total_col not in table.columns:
        raise ValueError(f"total_col {total_col!r} is not a column of the table")
    try:
        cnt = counts.astype("float64")
    except (TypeError, ValueError):
        raise ValueError("counts must be numbers of people") from None
    arr = cnt.to_numpy()
    if np.isnan(arr).any() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise ValueError("counts must be whole numbers of people >= 0, without missing values")
    interior_rows = [i for i in table.index if i != total_row]
    interior_cols = [j for j in table.columns if j != total_col]
    inner = cnt.loc[interior_rows, interior_cols]
    if total_col is not None and not np.array_equal(inner.sum(axis=1).to_numpy(), cnt.loc[interior_rows, total_col].to_numpy()):
        raise ValueError(f"counts of each row do not add up to its total in column {total_col!r}")
    if total_row is not None and not np.array_equal(inner.sum(axis=0).to_numpy(), cnt.loc[total_row, interior_cols].to_numpy()):
        raise ValueError(f"counts of each column do not add up to its total in row {total_row!r}")
    if total_row is not None and total_col is not None and cnt.at[total_row, total_col] != inner.to_numpy().sum():
        raise ValueError("the grand total does not equal the sum of the interior counts")

    all_rows, all_cols, exists = _layout(table, total_row, total_col)
    r, c = len(all_rows) - 1, len(all_cols) - 1
    R, C = r + 1, c + 1
    n = _to_grid(cnt, all_rows, all_cols, exists)
    primary = exists & (n > 0) & (n < min_cell)
    hidden = primary.copy()
    A = _constraints((r, c), total_row, total_col, published)
    interior = np.zeros(R * C, dtype=bool)
    for i in range(r):
        interior[i * C : i * C + c] = True

    row_lines = total_col is not None or published in ("both", "rows")
    col_lines = total_row is not None or published in ("both", "columns")
    if row_lines and col_lines:
        # A hidden cell inside a fully hidden rectangle (i, j), (i, l), (k, j), (k, l) of the
        # grid can never be fixed: the rectangle's alternating +1/-1 pattern leaves every row
        # and column sum unchanged. So protect each primary cell with its cheapest rectangle.
        def closed(i, j):
            return any(
                hidden[i * C + l] and hidden[k * C + j] and hidden[k * C + l]
                for k in range(R)
                for l in range(C)  # noqa: E741 - the rectangle's (i, j), (k, l)
                if k != i and l != j and exists[i * C + l] and exists[k * C + j] and exists[k * C + l]
            )

        for p in sorted(np.flatnonzero(primary), key=lambda q: (n[q], q)):
            i, j = divmod(int(p), C)
            if closed(i, j):
                continue
            best = None
            for k in range(R):
                for l in range(C):  # noqa: E741 - the rectangle's (i, j), (k, l)
                    cells = (i * C + l, k * C + j, k * C + l)
                    if k == i or l == j or not all(exists[q] for q in cells):
                        continue
                    new = [q for q in cells if not hidden[q]]
                    cost = (
                        sum(n[q] == 0 for q in new),  # empty cells protect badly
                        sum(not interior[q] for q in new),  # keep totals visible
                        len(new),
                        sum(n[q] for q in new),
                        cells,
                    )
                    if best is None or cost < best[0]:
                        best = (cost, new)
            if best is not None:
                hidden[best[1]] = True

    # greedy complementary suppression until no hidden cell is fixed by the constraints
    # (catches what rectangles cannot: one-column tables, one-sided totals)
    for _ in range(R * C + 1):
        det = _determined(A, hidden)
        if not det.any():
            break
        k = int(np.flatnonzero(det)[0])
        lines = A[np.abs(A[:, k]) > 0]
        related = (np.abs(lines).sum(axis=0) > 0) if len(lines) else np.zeros(R * C, bool)
        candidates = exists & ~hidden
        pick = None
        for pool in (related, np.ones(R * C, bool)):
            cand = np.flatnonzero(candidates & pool)
            if len(cand):
                # one step of look-ahead: prefer people over empty cells, interior over
                # totals, then the complement leaving fewest exposed cells, then fewest people
                def cost(q):
                    trial = hidden.copy()
                    trial[q] = True
                    return (n[q] == 0, not interior[q], int(_determined(A, trial).sum()), n[q], q)

                pick = min(cand, key=cost)
                break
        if pick is None:  # everything shown is already hidden
            break
        hidden[pick] = True

    # drop complements that turned out unnecessary (empty cells, totals, then the largest
    # first), keeping the pattern safe
    for q in sorted(np.flatnonzero(hidden & ~primary), key=lambda q: (n[q] != 0, interior[q], -n[q], -q)):
        hidden[q] = False
        if _determined(A, hidden).any():
            hidden[q] = True

    back = lambda mask: _from_grid(mask, table, all_rows, all_cols, exists)  # noqa: E731
    hidden_df, primary_df = back(hidden), back(primary)
    shown = table.copy()
    for col in shown.columns:
        if hidden_df[col].any():
            s = shown[col]
            if pd.api.types.is_float_dtype(s.dtype) and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype):
                s = s.astype("Float64")
            elif pd.api.types.is_integer_dtype(s.dtype):
                s = s.astype("Int64")
            shown[col] = s.mask(hidden_df[col])
    return Suppressed(table=shown, hidden=hidden_df, primary=primary_df, min_cell=int(min_cell))


def suppress_long(
    table: pd.DataFrame,
    index: str,
    columns: str | None,
    value: str,
    count: str,
    min_cell: int | None = None,
    *,
    config=None,
    published: str = "both",
) -> Suppressed:
    """Pivot a long result table (one row per group) and suppress it.

    For example the output of :func:`mutasi_analysis.survey.readiness` by
    ``("jenis_unit", "periode")``: ``index="jenis_unit", columns="periode",
    value="share_belum_siap", count="n_kesiapan"``.

    Parameters
    ----------
    table : DataFrame
        One row per group.
    index, columns : str
        Columns that become the rows and the columns of the shown table; ``columns=None``
        gives a one-column table named after ``value``.
    value : str
        The column shown in the cells.
    count : str
        The people behind each row (the suppression counts). Combinations absent from
        ``table`` are cells with no people (shown as ``-``).
    min_cell, config, published
        As for :func:`suppress`.

    Returns
    -------
    Suppressed
    """
    need = [c for c in (index, columns, value, count) if c is not None and c not in table.columns]
    if need:
        raise ValueError(f"table lacks column(s) {', '.join(need)}")
    keys = [index] + ([columns] if columns is not None else [])
    if table.duplicated(keys).any():
        raise ValueError(f"table has several rows per {' x '.join(keys)}; aggregate it first")
    if columns is None:
        shown = table.set_index(index)[[value]]
        cnt = table.set_index(index)[[count]].rename(columns={count: value})
    else:
        shown = table.pivot(index=index, columns=columns, values=value)
        cnt = table.pivot(index=index, columns=columns, values=count).reindex_like(shown)
        cnt = cnt.fillna(0)
    return suppress(shown, cnt, min_cell, config=config, published=published)
