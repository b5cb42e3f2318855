"""Helpers for the report pipeline tests: throwaway notebooks and a tiny project."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "mutasi-analysis", "language": "python", "display_name": "Python (mutasi-analysis)"}

PARAMS = (
    'period: str = "2026-S1"  # evaluation period\n'
    'processed: str = "data/processed"  # processed data folder\n'
    "x: int = 1  # multiplier\n"
    "scale: float = 0.5  # added to x\n"
    "fail: bool = False  # fail on purpose (tests)\n"
)


SUMMARY_PARAMS = (
    'period: str = "2026-S1"  # evaluation period\n'
    'region: str = ""  # region config\n'
    'reports: str = ""  # reports root\n'
)


def make_notebook(path: Path, params: str | None, cells: list) -> Path:
    """Write a notebook with a ``parameters`` cell (when given) and the other cells."""
    first = [new_code_cell(params, metadata={"tags": ["parameters"]})] if params is not None else []
    nb = new_notebook(cells=first + cells)
    nb.metadata.kernelspec = dict(KERNELSPEC)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def write_project(root: Path) -> dict[str, Path]:
    """A tiny project: three notebooks (one summary), processed data and a region config.

    ``01_a`` records rows * x from the processed table (and raises when ``fail``), ``02_b``
    draws a figure and records x + scale, ``00_sum`` adds both from the recorded JSON (through
    the report context) and records ``01_a``'s headline of every earlier period (``past``).
    """
    nbdir, processed = root / "notebooks", root / "processed"
    processed.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"a": [1, 2, 3, 4]}).to_parquet(processed / "t.parquet")
    region = root / "region.toml"
    shutil.copy(REPO / "config" / "alak.toml", region)
    make_notebook(nbdir / "01_a.ipynb", PARAMS, [
        new_markdown_cell("# Bagian A"),
        new_code_cell(
            "import pandas as pd\nfrom mutasi_analysis.record import record\n"
            "n = len(pd.read_parquet(processed + '/t.parquet'))\n"
            "if fail:\n    raise ValueError('planted failure')\n"
            "record('01_a', {'headline': {'n': {'label': 'baris x', 'value': n * x}}, 'period': period})"
        ),
    ])
    make_notebook(nbdir / "02_b.ipynb", PARAMS, [
        new_code_cell(
            "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
            "%matplotlib inline\nplt.plot([1, 2, 3]);\nSECRET_CODE_MARKER = 1"
        ),
        new_code_cell("from mutasi_analysis.record import record\nrecord('02_b', {'period': period, 'headline': {'y': x + scale}})"),
    ])
    make_notebook(nbdir / "00_sum.ipynb", SUMMARY_PARAMS, [
        new_code_cell(
            "from mutasi_analysis.reporting import summary\n"
            "from mutasi_analysis.reporting.notebook import report_context\n"
            "ctx = report_context(period, region=region, reports=reports)\n"
            "r = ctx.records(exclude='00_sum')\n"
            "trend = summary.trend(ctx.reports, ctx.period.id, r)\n"
            "past = {row.periode: row.nilai for row in trend.table.itertuples() if row.ukuran == 'baris x' and row.periode < period}\n"
            "ctx.record('00_sum', {'total': r['01_a'].headline['n'].value + r['02_b'].headline['y'].value, 'past': past,\n"
            "                      'missing': summary.missing_sections(r, ctx.sections())})"
        ),
    ])
    return {"root": root, "notebooks": nbdir, "processed": processed, "region": region,
            "reports": root / "reports"}
