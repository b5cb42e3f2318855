"""``mutasi demo-data --regions``: many demo regions, each with its calendar and effects, and the pooled truth.

One small project (three regions at scale 0.1) is written once for the module; a second one
(two regions) checks the bytes. The pooled truth is checked against an att_gt run on a noiseless
panel built from each region's re-derived cohorts and its planted effects.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis import cli
from mutasi_analysis.config import load_config
from mutasi_analysis.demo import (DEMO_END, DEMO_START, MARKER, REGION_CONFIG_MARK, WAVE_EFFECT, WAVE_GRID, WAVES,
                                  _truth_cohorts, write_demo_data, write_demo_regions)
from mutasi_analysis.did.attgt import att_gt
from mutasi_analysis.errors import MutasiError
from mutasi_analysis.project import POOLED_CODE, find_project

from .conftest import DEFAULT_REGION, DEMO_SEED

SCALE = 0.1
N = 3
CODES = ("alak", "kelapa-lima", "kota-lama")


def _project(root):
    (root / "config").mkdir(parents=True)
    shutil.copy(DEFAULT_REGION, root / "config" / "alak.toml")
    (root / "pyproject.toml").write_text(
        '[tool.mutasi]\nregion = "config/alak.toml"\nraw = "data/raw"\nprocessed = "data/processed"\n'
        'reports = "reports"\nrestricted = "restricted"\nnotebooks = "notebooks"\n', encoding="utf-8")
    return find_project(root)


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _month(text):
    y, m = map(int, text.split("-"))
    return y * 12 + m - 1


@pytest.fixture(scope="module")
def regions(tmp_path_factory):
    project = _project(tmp_path_factory.mktemp("regions"))
    result = write_demo_regions(project.root, N, DEMO_SEED, scale=SCALE)
    return project, result


def test_layout_configs_load_and_are_marked(regions):
    project, result = regions
    assert [r["code"] for r in result.regions] == list(CODES)
    for r in result.regions:
        path = project.root / "config" / "regions" / f"{r['code']}.toml"
        assert r["config"] == path
        assert path.read_text(encoding="utf-8").split("\n", 1)[0] == REGION_CONFIG_MARK
        cfg = load_config(path)
        assert cfg.region.code == r["code"] and cfg.region.name == r["name"]
        raw = project.region_paths(r["code"]).raw
        assert (raw / MARKER).is_file() and (raw / "truth.json").is_file()
        if r["code"] != "alak":
            assert 10 <= len(cfg.units) <= 18
            assert all("Fiktif" in u.name and "(contoh)" in u.name for u in cfg.units)
            types = [u.type for u in cfg.units]
            assert types.count("kantor_camat") == 1 and "kantor_kelurahan" in types and "puskesmas" in types
            assert "MADE UP" in path.read_text(encoding="utf-8")
    alak = load_config(project.root / "config" / "regions" / "alak.toml")
    base = load_config(DEFAULT_REGION)
    assert alak.unit_codes == base.unit_codes
    assert alak.rotation == base.rotation and alak.treatment == base.treatment


def test_each_truth_holds_of_its_raw_data(regions):
    project, result = regions
    for r in result.regions:
        raw = project.region_paths(r["code"]).raw
        truth = json.loads((raw / "truth.json").read_text(encoding="utf-8"))
        cfg = load_config(r["config"])
        riw = pd.read_csv(raw / "riwayat_jabatan.csv", dtype=str, keep_default_na=False)
        riw["tmt_jabatan"] = pd.to_datetime(riw["tmt_jabatan"], format="%d-%m-%Y").dt.date
        riw["jenis_jabatan"] = riw["jenis_jabatan"].astype(int)
        assert _truth_cohorts(riw, cfg) == truth["cohorts"]
        months = sorted({g for g in truth["cohorts"].values() if g})
        assert months == r["waves"][:len(months)]
        # the planted effects are the region's multiple of today's
        for e in truth["effects"]:
            w = r["waves"].index(e["cohort"])
            assert e["effect"] == pytest.approx(r["multiplier"] * WAVE_EFFECT[w] * (1 - math.exp(-(e["event_time"] + 1) / 6)))


def test_regions_differ_in_calendar_and_effect(regions):
    _, result = regions
    alak, *others = result.regions
    assert alak["waves"] == [f"{m.year}-{m.month:02d}" for m, _ in WAVES] and alak["multiplier"] == 1.0
    grid = {f"{m.year}-{m.month:02d}" for m in WAVE_GRID}
    for r in others:
        assert set(r["waves"]) <= grid and r["waves"] == sorted(set(r["waves"]))
        cfg = load_config(r["config"])
        assert all(cfg.freeze_window_at(pd.Timestamp(m + "-01").date()) is None for m in r["waves"])
    assert len({tuple(r["waves"]) for r in result.regions}) == N
    assert len({r["multiplier"] for r in result.regions}) == N


@pytest.mark.slow
def test_alak_is_the_single_region_demo_byte_for_byte(regions, tmp_path):
    project, _ = regions
    single = tmp_path / "single"
    write_demo_data(single, seed=DEMO_SEED, region=DEFAULT_REGION, scale=SCALE)
    assert _digest(single) == _digest(project.region_paths("alak").raw)
    assert (single / MARKER).read_bytes() == (project.region_paths("alak").raw / MARKER).read_bytes()


@pytest.mark.oracle
def test_pooled_truth_is_att_gt_simple_on_a_noiseless_stacked_panel(regions):
    project, result = regions
    path = project.region_paths(POOLED_CODE).processed.parent / "truth.json"
    assert path == result.truth_path
    truth = json.loads(path.read_text(encoding="utf-8"))
    assert truth["seed"] == DEMO_SEED and truth["n"] == N
    assert [r["code"] for r in truth["regions"]] == list(CODES)
    # Noiseless panel: unit and month effects plus each region's planted effect, built from the
    # cohorts the raw data show (re-derived) and the multipliers, not from truth["effects"].
    rng = np.random.default_rng(0)
    t0, last = DEMO_START.year * 12 + DEMO_START.month - 1, DEMO_END.year * 12 + DEMO_END.month - 1
    months = np.arange(t0, last + 1)
    month_fe = rng.normal(0, 0.5, len(months))
    rows = []
    for r in truth["regions"]:
        for unit, g in r["cohorts"].items():
            fe = rng.normal(4.5, 1.0)
            gi = _month(g) if g else 0
            amp = r["multiplier"] * WAVE_EFFECT[r["waves"].index(g)] if g else 0.0
            for j, m in enumerate(months):
                tau = amp * (1 - math.exp(-(m - gi + 1) / 6)) if g and m >= gi else 0.0
                rows.append((f"{r['code']}/{unit}", m, gi, fe + month_fe[j] + tau))
    panel = pd.DataFrame(rows, columns=["unit", "month", "cohort", "y"])
    est = att_gt(panel, "y", "unit", "month", "cohort").aggregate("simple").estimate
    assert est == pytest.approx(truth["att_pooled"], abs=1e-9)
    # and as the weighted mean of the regions' att_simple
    w = np.array([r["weight"] for r in truth["regions"]], dtype=float)
    att = np.array([r["att_simple"] for r in truth["regions"]])
    assert float(w @ att / w.sum()) == pytest.approx(truth["att_pooled"], abs=1e-12)


@pytest.mark.slow
def test_cli_same_seed_same_bytes_and_refusals(regions, tmp_path, monkeypatch, capsys):
    first, _ = regions
    project = _project(tmp_path / "p")
    monkeypatch.chdir(project.root)
    for argv, says in ((["--regions", "0"], "at least 1"), (["--regions", "two"], "at least 1"),
                       (["--regions", "-1"], "at least 1"), (["--regions", "1", "--out", "x"], "--out"),
                       (["--regions", "1", "--dirty"], "--dirty"),
                       (["--regions", "1", "--region", "config/nowhere.toml"], "nowhere.toml")):
        assert cli.main(["demo-data", *argv]) != 0
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1, err
    assert not (project.root / "config" / "regions").exists()
    # A region's data do not depend on n: two regions by the command give the module's first two.
    assert cli.main(["demo-data", "--regions", "2", "--seed", str(DEMO_SEED), "--scale", str(SCALE)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 3 and out[0].startswith("alak") and out[1].startswith("kelapa-lima")
    assert out[2].startswith("pooled truth")
    for code in CODES[:2]:
        assert _digest(project.region_paths(code).raw) == _digest(first.region_paths(code).raw)
        assert (project.root / "config" / "regions" / f"{code}.toml").read_bytes() == \
            (first.root / "config" / "regions" / f"{code}.toml").read_bytes()
    pooled = json.loads((project.root / "data" / "_gabungan" / "truth.json").read_text(encoding="utf-8"))
    assert pooled["seed"] == DEMO_SEED and pooled["n"] == 2


def test_refuses_non_demo_configs_and_raw_folders(tmp_path, capsys):
    project = _project(tmp_path / "p")
    regions = project.root / "config" / "regions"
    regions.mkdir(parents=True)
    (regions / "kelapa-lima.toml").write_text("# a real config\n[region]\n", encoding="utf-8")
    with pytest.raises(MutasiError, match="not written by"):
        write_demo_regions(project.root, 2, scale=SCALE)
    assert not (regions / "alak.toml").exists()  # nothing written before the refusal
    (regions / "kelapa-lima.toml").unlink()
    raw = project.region_paths("alak").raw
    raw.mkdir(parents=True)
    (raw / "pegawai.csv").write_text("nip\n", encoding="utf-8")
    with pytest.raises(MutasiError, match="not demo"):
        write_demo_regions(project.root, 1, scale=SCALE)
    assert (raw / "pegawai.csv").read_text(encoding="utf-8") == "nip\n"
    for bad in (0, -2, 1.5, True, "3"):
        with pytest.raises(MutasiError, match="--regions"):
            write_demo_regions(project.root, bad)
