"""One-off conversion of R HonestDiD's reference inputs and outputs to honest_reference.json.

Not part of the test suite and not a dependency: run once, by hand, with the pure-Python R
reader ``rdata`` installed outside the project (``pip install --target /tmp/rdata_lib rdata``;
``PYTHONPATH=/tmp/rdata_lib python tests/did/data/honest_reference_convert.py REPO``), where
REPO is a checkout of github.com/asheshrambachan/HonestDiD at commit
6813f02f (README and README_cache) with data/VignetteResults.rda and the vignette from commit
fdadae33 (the last commit that shipped the vignette; later commits deleted it).

Sources, all from that repository:

* ``data/BCdata_EventStudy.rda``, ``data/LWdata_EventStudy.rda`` (HEAD): the vignette's event
  studies (Benzarti-Carloni, Lovenheim-Willen).
* ``data/VignetteResults.rda`` (fdadae33): the vignette's precomputed results, full precision.
* ``README_cache/gfm/*`` (HEAD): knitr's cache of the README's chunks, i.e. the objects the
  README printed: ``delta_rm_results`` (chunk 4), ``delta_sd_results`` (chunk 6),
  ``delta_rm_results_avg`` (chunk 7), the controls regression's ``betahat``/``sigma`` and the
  panel ``df_nonstaggered`` (chunk 8), the Sun-Abraham ``beta_vcv`` and
  ``sensitivity_results`` (chunk 10).

The README's main (no-controls) TWFE event study is not cached; its betahat/sigma are recomputed
here from the cached panel as fixest computes them (``dins ~ i(year, D, ref = 2013) | stfips +
year``, CRV1 by state with fixest's default small-sample factor). The same code reproduces the
cached controls regression to machine precision (checked below), which validates it.
"""

from __future__ import annotations

import gzip
import json
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np

warnings.simplefilter("ignore")
import rdata  # noqa: E402
from rdata.parser import RObjectType as T  # noqa: E402


def _plain(obj):
    t = obj.info.type
    if t in (T.REAL, T.INT, T.LGL):
        return np.asarray(obj.value, dtype=float)
    if t == T.STR:
        return [x.value.decode() if x.value is not None else None for x in obj.value]
    if t == T.VEC:
        items = [_plain(o) for o in obj.value]
        names, a = None, obj.attributes
        while a is not None and a.info.type == T.LIST:
            tag = a.tag
            while tag.info.type == T.REF:
                tag = tag.referenced_object
            if tag.value.value.decode() == "names":
                names = _plain(a.value[0])
            a = a.value[1] if len(a.value) > 1 and a.value[1].info.type != T.NILVALUE else None
        return dict(zip(names, items)) if names else items
    return None


def _objects(parsed):
    out, o = {}, parsed.object
    while o is not None and o.info.type == T.LIST:
        tag = o.tag
        while tag.info.type == T.REF:
            tag = tag.referenced_object
        out[tag.value.value.decode()] = _plain(o.value[0])
        o = o.value[1] if len(o.value) > 1 and o.value[1].info.type != T.NILVALUE else None
    return out


def _rda(path):
    return _objects(rdata.parser.parse_file(path))


def _lazyload(stem):
    """Objects of a knitr cache (R lazy-load database: gzip index, zlib-compressed blobs)."""
    idx = _plain(rdata.parser.parse_data(gzip.decompress(Path(stem + ".rdx").read_bytes())).object)
    rdb = Path(stem + ".rdb").read_bytes()
    out = {}
    for name, (off, ln) in idx["variables"].items():
        blob = rdb[int(off):int(off) + int(ln)]
        try:
            out[name] = _plain(rdata.parser.parse_data(zlib.decompress(blob[4:])).object)
        except ValueError:  # objects of types rdata cannot parse (fixest fits): not needed
            continue
    return out


def _frame(o):
    return {k: np.asarray(v, dtype=float).ravel().tolist() if not isinstance(v, list) else v for k, v in o.items()}


def _twfe_event_study(panel, with_control):
    """fixest::feols(dins ~ i(year, D, ref = 2013) [+ control] | stfips + year, cluster = ~stfips)."""
    y, year, state, D = (np.asarray(panel[c], float) for c in ("dins", "year", "stfips", "D"))
    years = [t for t in np.unique(year) if t != 2013]
    X = np.column_stack([(year == t) * D for t in years] + ([panel["control"]] if with_control else []))

    def demean(v):
        v = v.copy()
        for _ in range(200):  # alternating projections: balanced panel, converges at once
            for g in (state, year):
                keys, inv = np.unique(g, return_inverse=True)
                v -= (np.bincount(inv, v) / np.bincount(inv))[inv] if v.ndim == 1 else \
                    np.stack([(np.bincount(inv, c) / np.bincount(inv))[inv] for c in v.T], 1)
        return v

    Xt, yt = demean(X), demean(y)
    A = np.linalg.inv(Xt.T @ Xt)
    b = A @ Xt.T @ yt
    e = yt - Xt @ b
    keys, cl = np.unique(state, return_inverse=True)
    G, n = len(keys), len(y)
    S = np.zeros((G, X.shape[1]))
    np.add.at(S, cl, Xt * e[:, None])
    K = X.shape[1] + len(np.unique(year))  # fixest: state effects (nested in clusters) not counted, every year is
    V = G / (G - 1) * (n - 1) / (n - K) * A @ S.T @ S @ A
    return b, V


def main(repo: str) -> None:
    repo = Path(repo)
    cache = repo / "README_cache" / "gfm"
    chunk = {int(p.name.split("_")[0].split("-")[-1]): str(p)[:-4] for p in cache.glob("*.rdx")}
    c4, c6, c7, c8, c10 = (_lazyload(chunk[i]) for i in (4, 6, 7, 8, 10))

    panel = c8["df_nonstaggered"]
    b_ctrl, V_ctrl = _twfe_event_study(panel, True)
    assert np.allclose(b_ctrl[:7], c8["betahat"], rtol=1e-10, atol=0)
    assert np.allclose(V_ctrl[:7, :7], np.asarray(c8["sigma"]).reshape(7, 7), rtol=1e-8, atol=0)
    b, V = _twfe_event_study(panel, False)

    bc = _rda(repo / "data" / "BCdata_EventStudy.rda")["BCdata_EventStudy"]
    lw = _rda(repo / "data" / "LWdata_EventStudy.rda")["LWdata_EventStudy"]
    vig = _rda(sys.argv[2])["VignetteResults"] if len(sys.argv) > 2 else None
    sun = c10["beta_vcv"]
    ref = {
        "provenance": __doc__.strip().splitlines()[0] + " See tests/did/data/honest_reference_convert.py.",
        "repository": "github.com/asheshrambachan/HonestDiD",
        "commit": "6813f02f (README, README_cache, data/*EventStudy.rda); fdadae33 (VignetteResults.rda)",
        "medicaid": {
            "note": "README 'Example usage - Medicaid expansions': TWFE event study on the README's "
                    "df_nonstaggered (years 2008-2015, reference 2013): 5 pre, 2 post. betahat/sigma "
                    "recomputed from the cached panel (see the converter).",
            "betahat": b.tolist(), "sigma": V.tolist(), "num_pre": 5, "num_post": 2,
            "rm": _frame(c4["delta_rm_results"]), "sd": _frame(c6["delta_sd_results"]),
            "rm_avg": _frame(c7["delta_rm_results_avg"]),
        },
        "medicaid_controls": {
            "note": "README 'Regressions with controls': betahat/sigma as cached (chunk 8).",
            "betahat": np.asarray(c8["betahat"]).tolist(),
            "sigma": np.asarray(c8["sigma"]).reshape(7, 7).tolist(), "num_pre": 5, "num_post": 2,
        },
        "sunab": {
            "note": "README 'Sun and Abraham': sunab_beta_vcv(res_sunab) and "
                    "createSensitivityResults_relativeMagnitudes(..., Mbarvec = seq(0.5, 2, 0.5), "
                    "gridPoints = 100) as cached (chunk 10).",
            "betahat": np.asarray(sun["beta"]).ravel().tolist(),
            "sigma": np.asarray(sun["sigma"]).reshape(16, 16).tolist(),
            "event_times": np.asarray(sun["cohorts"]).tolist(),
            "rm": _frame(c10["sensitivity_results"]),
        },
        "bc": {"betahat": np.asarray(bc["betahat"]).tolist(), "sigma": np.asarray(bc["sigma"]).reshape(8, 8).tolist(),
               "num_pre": 4, "num_post": 4},
        "lw": {"betahat": np.asarray(lw["betahat"]).tolist(), "sigma": np.asarray(lw["sigma"]).reshape(32, 32).tolist(),
               "num_pre": 9, "num_post": 23},
    }
    if vig is not None:
        ref["lw"]["sd"] = _frame(vig["LW_DeltaSD_RobustResults"])
        ref["bc"]["original"] = _frame(vig["BC_OriginalResults"])
    out = Path(__file__).with_name("honest_reference.json")
    out.write_text(json.dumps(ref, indent=1) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main(sys.argv[1])
