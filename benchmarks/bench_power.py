"""Benchmark: ``did.power`` on the demo region's design against a naive per-replication loop.

Usage::

    nice .venv/bin/python benchmarks/bench_power.py                    # 500 replications, 999 permutations
    nice .venv/bin/python benchmarks/bench_power.py --n-perm 199 --naive 20 --repeat 3

Panel: the demo data set (``mutasi demo-data --seed 1``, ingested, ``impact.build_panel``,
outcome ``respon_hari_kerja_mean``), generated once into ``WORKDIR`` and reused; the last month
has no complaint with a response time yet and is dropped (``dropna=True``): 17 offices x 54
months. Design: three waves of 4, 4 and 3 offices at months 13, 29 and 45 of the window, drawn
at random in every replication (6 never rotated, statistic ``att_simple``).

Timed (wall clock, best of ``--repeat`` after a warm-up call): one ``power()`` call with
``--n-sim`` replications and ``--n-perm`` permutations each; it returns the table at 7
effects, the power curve on 241 effects and the MDE with its bootstrap SE. Naive: ``--naive``
replications of a plain loop on the same noise model (draw a panel, plant one effect, call
``randomization_inference`` with the same ``n_perm``), timed per replication and scaled to
``--n-sim``; it yields the test at one effect per call, so the ratio understates the gain.
The load average of the shared machine is printed beside the figures. Target: under 20 s.
Results go to ``WORKDIR/bench_power.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def demo_panel(work: Path, region: str, seed: int):
    """The demo region's service panel (cached as a pickle in ``work``)."""
    import pandas as pd

    cached = work / f"panel-seed{seed}.pkl"
    if cached.exists():
        return pd.read_pickle(cached)
    from mutasi_analysis import impact
    from mutasi_analysis.config import load_config
    from mutasi_analysis.demo import write_demo_data
    from mutasi_analysis.ingest import ingest
    from mutasi_analysis.processed import load_processed

    # A fixed benchmark key: never the user's own.
    os.environ.setdefault("MUTASI_PSEUDONYM_KEY", "benchmark-key-not-secret-0123456789abcdef")
    raw, proc = work / f"raw-seed{seed}", work / f"processed-seed{seed}"
    write_demo_data(out=raw, seed=seed, region=region)
    ingest(raw, proc, region)
    p = load_processed(proc)
    panel = impact.build_panel(p.pengaduan, p.riwayat_jabatan, load_config(region))
    panel.to_pickle(cached)
    return panel


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-sim", type=int, default=500)
    ap.add_argument("--n-perm", type=int, default=999)
    ap.add_argument("--naive", type=int, default=10, help="replications of the naive loop")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1, help="demo data seed")
    ap.add_argument("--workdir", default="/tmp/mutasi-bench-power")
    ap.add_argument("--region", default=str(ROOT / "config" / "alak.toml"))
    args = ap.parse_args(argv)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)

    import numpy as np
    import pandas as pd

    from mutasi_analysis.did import power, randomization_inference
    from mutasi_analysis.did._panel import prepare_panel

    pm = importlib.import_module("mutasi_analysis.did.power")

    panel = demo_panel(work, args.region, args.seed)
    y, t0 = "respon_hari_kerja_mean", int(panel["t"].min())
    data = panel[["kode_unit", "t", "cohort", y]]
    design = dict(units_per_wave=(4, 4, 3), first_wave=t0 + 13, spacing=16)
    common = dict(cohort="cohort", dropna=True, **design)
    load = [os.getloadavg()]

    power(data, y, "kode_unit", "t", n_sim=5, n_perm=args.n_perm, seed=0, **common)  # warm-up
    times = []
    for i in range(args.repeat):
        t = time.perf_counter()
        res = power(data, y, "kode_unit", "t", n_sim=args.n_sim, n_perm=args.n_perm, seed=i, **common)
        times.append(time.perf_counter() - t)
    load.append(os.getloadavg())

    # Naive: the same noise model, one randomization_inference call per replication.
    pan = prepare_panel(data.dropna(), y, "kode_unit", "t", cohort="cohort")
    P, coh = pan.periods, pan.unit_cohort
    untreated = ~((coh[:, None] > 0) & (P[None, :] >= coh[:, None]))
    model = pm._noise_model(pan.wide(), untreated, len(P), "auto", pan.units)
    rng = np.random.default_rng(0)
    base = np.array([13] * 4 + [29] * 4 + [45] * 3 + [len(P)] * 6)
    U, T = len(base), len(P)
    tau = res.mde
    t = time.perf_counter()
    rej = 0
    for _ in range(args.naive):
        gpos = rng.permutation(base)
        E = pm._draw_noise(model, rng, 1, T)[0]
        D = (np.arange(T)[None, :] >= gpos[:, None]).astype(float)
        long = pd.DataFrame({"u": np.repeat(np.arange(U), T), "t": np.tile(P, U),
                             "g": np.repeat(np.where(gpos < T, P[np.minimum(gpos, T - 1)], 0), T),
                             "y": (E + tau * D).ravel()})
        ri = randomization_inference(long, "y", "u", "t", "g", n_perm=args.n_perm, seed=int(rng.integers(2**31)))
        rej += ri.pvalue <= 0.05
    naive_per_rep = (time.perf_counter() - t) / args.naive
    load.append(os.getloadavg())

    best = min(times)
    out = {
        "n_sim": args.n_sim, "n_perm": args.n_perm, "units": int(res.n_units), "periods": int(T),
        "power_seconds": times, "power_best": best,
        "naive_replications": args.naive, "naive_seconds_per_replication": naive_per_rep,
        "naive_extrapolated": naive_per_rep * args.n_sim, "speedup": naive_per_rep * args.n_sim / best,
        "load_average_1min": [round(a[0], 2) for a in load],
        "mde": res.mde, "mde_se": res.mde_se, "sigma": res.sigma, "rho": res.rho,
        "block_length": res.block_length, "naive_rejections_at_mde": int(rej),
    }
    print(f"power(): {args.n_sim} replications x {args.n_perm} permutations, {res.n_units} units x {T} periods: "
          f"best {best:.2f} s of {', '.join(f'{x:.2f}' for x in times)}")
    print(f"naive loop: {naive_per_rep:.3f} s per replication -> {naive_per_rep * args.n_sim:.0f} s for "
          f"{args.n_sim} (one effect each); speedup {out['speedup']:.0f}x")
    print(f"load average (1 min) before/after power/after naive: {out['load_average_1min']}")
    print(f"mde {res.mde:.4f} (mc_se {res.mde_se:.4f}), sigma {res.sigma:.4f}, rho {res.rho:.3f}, "
          f"block_length {res.block_length}")
    (work / "bench_power.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
