"""Draw the example event-study plot of the methodology guide (``event-study-guide.png``).

Simulated data with a known effect, so the picture shows what a good case looks like: 16
offices over 30 months, 4 rotated in month 10, 4 in month 16, 4 in month 22 and 4 never;
response time falls by 1.5 working days from the rotation month on. Drawn with the package's
own plotting code (``did.att_gt(...).aggregate("event").plot()``), so the figure looks like
the report's.

Usage::

    .venv/bin/python docs/examples/event_study_figure.py [OUT.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from mutasi_analysis import did  # noqa: E402
from mutasi_analysis.did.plots import plot_estimates  # noqa: E402

SEED = 20261128


def example_panel(seed: int = SEED) -> pd.DataFrame:
    """The simulated office x month panel (effect -1.5 from the rotation month on)."""
    rng = np.random.default_rng(seed)
    cohorts = [0] * 4 + [10] * 4 + [16] * 4 + [22] * 4
    rows = []
    for i, g in enumerate(cohorts):
        level = rng.normal(6.0, 1.0)
        for t in range(1, 31):
            effect = -1.5 if 0 < g <= t else 0.0
            rows.append({"office": f"U{i:02d}", "t": t, "cohort": g,
                         "y": level + 0.02 * t + effect + rng.normal(0, 0.6)})
    return pd.DataFrame(rows)


def draw(out: Path) -> Path:
    """Write the PNG and return its path."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    es = did.att_gt(example_panel(), "y", "office", "t", "cohort").aggregate("event")
    keep = es.table["event_time"].between(-8, 8)
    ax = plot_estimates(es.table[keep], x="event_time", reference=-1, event=True,
                         title="Event study (simulated: effect -1.5 from month 0)",
                         labels={"reference": "reference period"})
    ax.set_xlabel("event time: months since rotation")
    ax.set_ylabel("effect on working days to first response")
    fig = ax.figure
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


if __name__ == "__main__":
    print(draw(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "event-study-guide.png"))
