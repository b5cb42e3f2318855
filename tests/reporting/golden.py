"""Golden results: compare a rendered report's records with the committed reference records.

The demo period's records (the JSON each notebook writes through ``mutasi_analysis.record``)
are committed under ``tests/golden/<period>/``. A refactor or an upgrade that moves a published
number then fails a test with a readable list of what moved, instead of passing unnoticed
while the planted truth is still recovered roughly.

Tolerance: numbers agree when ``|now - golden| <= ATOL + RTOL * |golden|``. The records are
deterministic for given inputs, seeds and packages (same machine: bit-identical); the
tolerance only absorbs floating-point noise from another BLAS or CPU, which moves results by
about 1e-12 relative. Any change of method, data or seed moves them by far more than 1e-6.
Strings, booleans, nulls, keys and list lengths must match exactly: a changed verdict text or
table label is a changed report too.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

RTOL = 1e-6
ATOL = 1e-9
# Provenance, not results: which commit made each number of a trend changes with every commit.
PROVENANCE = ("trend_commits",)
GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
UPDATE_ENV = "MUTASI_UPDATE_GOLDEN"


def _kind(x: Any) -> str:
    if isinstance(x, bool) or x is None:
        return repr(x) if x is None else "bool"
    if isinstance(x, (int, float)):
        return "number"
    return type(x).__name__


def _show(x: Any) -> str:
    text = json.dumps(x, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def compare(golden: Any, now: Any, where: str = "", rtol: float = RTOL, atol: float = ATOL) -> list[str]:
    """Every difference between two JSON values, one readable line each.

    Parameters
    ----------
    golden, now : JSON values
        The committed reference and the freshly rendered value.
    where : str
        Path of the values (for the messages).
    rtol, atol : float
        Tolerance for numbers.

    Returns
    -------
    list of str
        ``"<path>: golden <value>, now <value> (...)"``; empty when they agree.
    """
    kg, kn = _kind(golden), _kind(now)
    if kg != kn:
        return [f"{where}: golden {_show(golden)}, now {_show(now)} (type changed)"]
    if kg == "number":
        g, n = float(golden), float(now)
        if math.isclose(g, n, rel_tol=0, abs_tol=atol + rtol * abs(g)):
            return []
        rel = abs(n - g) / abs(g) if g else math.inf
        return [f"{where}: golden {golden!r}, now {now!r} (difference {n - g:+.3g}, relative {rel:.2g})"]
    if isinstance(golden, dict):
        out = []
        for k in sorted(set(golden) | set(now)):
            p = f"{where}.{k}" if where else k
            if k not in now:
                out.append(f"{p}: missing now (golden {_show(golden[k])})")
            elif k not in golden:
                out.append(f"{p}: new (now {_show(now[k])})")
            else:
                out += compare(golden[k], now[k], p, rtol, atol)
        return out
    if isinstance(golden, list):
        out = []
        if len(golden) != len(now):
            out.append(f"{where}: golden has {len(golden)} items, now {len(now)}")
        for i, (g, n) in enumerate(zip(golden, now)):
            out += compare(g, n, f"{where}[{i}]", rtol, atol)
        return out
    return [] if golden == now else [f"{where}: golden {_show(golden)}, now {_show(now)}"]


def compare_folders(golden_dir: Path, report_dir: Path, names: list[str]) -> list[str]:
    """Differences between the golden records and a report folder's records, per file."""
    out = []
    for name in names:
        g, r = golden_dir / f"{name}.json", report_dir / f"{name}.json"
        if not g.is_file():
            out.append(f"{name}.json: no golden file in {golden_dir} (run `make golden`)")
            continue
        if not r.is_file():
            out.append(f"{name}.json: not written by the render")
            continue
        out += [f"{name}.json: {d}" for d in compare(_results(g), _results(r))]
    return out


def _results(path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in PROVENANCE:
        (data.get("results") or {}).pop(key, None)
    return data


def update(golden_dir: Path, report_dir: Path, names: list[str]) -> None:
    """Replace the golden records with the report's (an intended change; commit with the reason)."""
    golden_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        data = _results(report_dir / f"{name}.json")
        (golden_dir / f"{name}.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def explain(diffs: list[str], limit: int = 40) -> str:
    """The failure message: the first ``limit`` differences and how to accept an intended change."""
    shown = diffs[:limit] + ([f"... and {len(diffs) - limit} more"] if len(diffs) > limit else [])
    return (f"{len(diffs)} recorded result(s) differ from tests/golden (numbers at rtol {RTOL:g}, "
            f"atol {ATOL:g}; text exactly):\n  " + "\n  ".join(shown)
            + "\nIf the change is intended, run `make golden` and commit the golden files with the reason.")
