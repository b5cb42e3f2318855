"""Planning on the demo data, against the demo's planted truth (truth.json "formasi" and
"unready_groups"), and `mutasi plan` / `mutasi reidentify` as a user runs them.

The synthetic checks (brute-force optimality, each rule by hand, the property that no
ineligible person is proposed) are in tests/test_planning.py.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from mutasi_analysis import planning
from mutasi_analysis.cli import main
from mutasi_analysis.config import load_config
from mutasi_analysis.periods import parse_period
from mutasi_analysis.processed import load_processed

ROOT = Path(__file__).resolve().parents[1]
REGION = ROOT / "config" / "alak.toml"
KEY = "test-key-for-planning-0123456789abcdefghij"
PLAN_PERIOD = "2026-S2"
TODAY = "2026-07-15"  # the plan is made before its first wave (2026-08-01)


def _ingested(raw: Path, out: Path, monkeypatch) -> Path:
    from mutasi_analysis.ingest import ingest

    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)
    ingest(raw=raw, out=out, region=REGION)
    return out


@pytest.fixture(scope="module")
def demo(demo_raw, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    out = _ingested(demo_raw, tmp_path_factory.mktemp("plan_demo") / "processed", mp)
    mp.undo()
    data = load_processed(out)
    cfg = load_config(REGION)
    plan = planning.make_plan(data, cfg, parse_period(PLAN_PERIOD), with_power=False)
    truth = json.loads((demo_raw / "truth.json").read_text(encoding="utf-8"))
    return {"processed": out, "data": data, "cfg": cfg, "plan": plan, "truth": truth, "raw": demo_raw}


def test_needs_analysis_reproduces_the_planted_gaps(demo):
    t = demo["truth"]["formasi"]
    needs = planning.staffing_needs(demo["data"].formasi, demo["data"].riwayat_jabatan, demo["cfg"], t["as_of"],
                                    year=t["year"], pegawai=demo["data"].pegawai)
    got = {(r.kode_unit, r.kelompok_jabatan): (int(r.kebutuhan), int(r.ada), int(r.kekurangan))
           for r in needs.dropna(subset=["kebutuhan"]).itertuples()}
    want = {(r["kode_unit"], r["kelompok_jabatan"]): (r["kebutuhan"], r["ada"], r["kekurangan"]) for r in t["rows"]}
    assert got == want
    assert any(v[2] > 0 for v in want.values()) and any(v[2] < 0 for v in want.values())  # gaps and surpluses


def test_the_plan_on_demo_data_is_sound(demo):
    plan, cfg = demo["plan"], demo["cfg"]
    assert plan.ok and len(plan.moves) > 0
    el = plan.eligibility.set_index("pid")
    assert el.loc[plan.moves["pid"], "layak"].all()  # nobody ineligible is proposed
    assert plan.moves["pid"].is_unique and (plan.moves["asal"] != plan.moves["tujuan"]).all()
    per_wave = plan.moves.groupby("gelombang").size()
    assert per_wave.max() <= cfg.planning.max_moves_per_wave
    assert plan.moves.groupby("tujuan").size().max() <= cfg.planning.max_moves_in_per_unit
    assert plan.moves.groupby("asal").size().max() <= cfg.planning.max_moves_out_per_unit
    # the moves are optimal for the objective they report
    cands = plan.eligibility[plan.eligibility["layak"]]
    assert planning.objective_value(plan.moves, plan.needs, cands, cfg.planning.weights) == pytest.approx(plan.objective)
    f = plan.facts()
    assert f["gap_after"] <= f["gap_before"]
    assert sum(f["excluded"].values()) + f["eligible"] == f["staff"]
    # every exclusion names its rule and legal basis
    out = plan.eligibility[~plan.eligibility["layak"]]
    assert out["aturan"].notna().all() and out["dasar_hukum"].str.len().gt(0).all()


def test_every_planted_unready_group_is_trained_before_its_move(demo):
    plan, cfg = demo["plan"], demo["cfg"]
    flagged = {(r.kolom, r.nilai) for r in plan.groups.itertuples() if r.perlu_pelatihan}
    for g in demo["truth"]["unready_groups"]:
        assert (g["column"], g["value"]) in flagged, g
        # planted, so it stands out: more unready than every other group of its kind
        same = plan.groups[plan.groups["kolom"] == g["column"]].set_index("nilai")["share_belum_siap"].dropna()
        assert same[g["value"]] == same.max() and (same.drop(g["value"]) < same[g["value"]]).all(), same
        types = {u.code: u.type for u in cfg.units}
        movers = plan.moves[[types[u] == g["value"] for u in plan.moves["tujuan"]]] if g["column"] == "jenis_unit" \
            else plan.moves.iloc[0:0]
        assert len(movers) > 0, "the planted group should receive moves in the demo plan"
        trained = plan.training.set_index("pid")
        for m in movers.itertuples():
            assert m.pid in trained.index
            assert f"{g['column']}={g['value']}" in trained.at[m.pid, "kelompok"]
            assert trained.at[m.pid, "selesai_sebelum"] < m.tanggal_pindah
            course = next(t.course for t in cfg.planning.training if (t.column, t.value) == (g["column"], g["value"]))
            assert trained.at[m.pid, "pelatihan"] == course


@pytest.mark.parametrize("seed", [2, 3])
def test_no_ineligible_person_over_demo_seeds(seed, tmp_path, monkeypatch):
    from mutasi_analysis.demo import write_demo_data

    raw = tmp_path / "raw"
    write_demo_data(out=raw, seed=seed, region=REGION, scale=0.3)
    data = load_processed(_ingested(raw, tmp_path / "processed", monkeypatch))
    plan = planning.make_plan(data, load_config(REGION), parse_period(PLAN_PERIOD), with_power=False)
    assert plan.ok
    el = plan.eligibility.set_index("pid")
    assert el.loc[plan.moves["pid"], "layak"].all()
    truth = json.loads((raw / "truth.json").read_text(encoding="utf-8"))["formasi"]
    got = planning.staffing_needs(data.formasi, data.riwayat_jabatan, load_config(REGION), truth["as_of"],
                                  year=truth["year"], pegawai=data.pegawai)
    assert int(got["kekurangan"].dropna().clip(lower=0).sum()) == sum(max(r["kekurangan"], 0) for r in truth["rows"])


def test_mutasi_plan_and_reidentify_round_trip(demo, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)
    monkeypatch.chdir(tmp_path)
    plan_file = tmp_path / "private" / f"rencana-mutasi-{PLAN_PERIOD}.xlsx"
    code = main(["plan", "--period", PLAN_PERIOD, "--region", str(REGION), "--processed", str(demo["processed"]),
                 "--out", str(plan_file), "--n-sim", "100", "--n-perm", "99", "--today", TODAY])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert stat.S_IMODE(os.stat(plan_file).st_mode) == 0o600
    assert f"moves proposed {len(demo['plan'].moves)}" in printed.out
    assert "smallest change detectable (80% power) in mean working days to first response" in printed.out.lower()
    # back to names with the right key; the output names people and is private
    named = tmp_path / "private" / "named.xlsx"
    assert main(["reidentify", "--plan", str(plan_file), "--raw", str(demo["raw"]), "--region", str(REGION),
                 "--out", str(named)]) == 0
    got = pd.read_excel(named, dtype=str, engine="openpyxl")
    raw = pd.read_csv(demo["raw"] / "pegawai.csv", dtype=str)
    nips = set(raw["nip"].str.replace(" ", "", regex=False))
    assert len(got) == len(demo["plan"].moves) and set(got["nip"]) <= nips
    name_of = dict(zip(raw["nip"].str.replace(" ", "", regex=False), raw["nama"]))
    assert all(name_of[n] == m for n, m in zip(got["nip"], got["nama"]))
    # a wrong key is refused and writes nothing
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "another-key-entirely-0123456789abcdefghij")
    other = tmp_path / "private" / "other.xlsx"
    assert main(["reidentify", "--plan", str(plan_file), "--raw", str(demo["raw"]), "--region", str(REGION),
                 "--out", str(other)]) != 0
    assert not other.exists()


def test_mutasi_plan_states_the_binding_constraint(demo, tmp_path, monkeypatch, capsys):
    tight = tmp_path / "tight.toml"
    text = REGION.read_text(encoding="utf-8").replace("overdue_must_move = false", "overdue_must_move = true")
    assert text != REGION.read_text(encoding="utf-8")
    tight.write_text(text, encoding="utf-8")
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)
    out = tmp_path / "plan.xlsx"
    code = main(["plan", "--period", PLAN_PERIOD, "--region", str(tight), "--processed", str(demo["processed"]),
                 "--out", str(out), "--no-power", "--today", TODAY])
    err = capsys.readouterr().err
    assert code != 0 and not out.exists()
    assert "overdue_must_move" in err and "binds" in err and err.count("\n") == 1 and "Traceback" not in err


def test_mutasi_plan_without_formasi_says_what_to_do(demo, tmp_path, monkeypatch, capsys):
    import shutil

    folder = tmp_path / "processed"
    shutil.copytree(demo["processed"], folder)
    (folder / "formasi.parquet").unlink()
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)
    code = main(["plan", "--period", PLAN_PERIOD, "--region", str(REGION), "--processed", str(folder),
                 "--out", str(tmp_path / "p.xlsx"), "--no-power", "--today", TODAY])
    err = capsys.readouterr().err
    assert code != 0 and "formasi" in err and "mutasi template --tables formasi" in err


def test_plan_period_rules(capsys, demo, tmp_path, monkeypatch):
    cfg, end = demo["cfg"], pd.Timestamp("2026-06-30").date()
    day = pd.Timestamp
    # next: after the data's last complete period, unless its first wave (August) has passed
    assert planning.plan_period("next", cfg, end, today=day("2026-07-15").date()).id == "2026-S2"
    assert planning.plan_period("next", cfg, end, today=day("2026-11-29").date()).id == "2027-S1"
    assert planning.first_wave_of(parse_period("2027-S1"), cfg).isoformat() == "2027-02-01"
    from mutasi_analysis.errors import MutasiError

    with pytest.raises(MutasiError, match="2026-08-01.*--period 2027-S1"):  # a wave in the past
        planning.plan_period("2026-S2", cfg, end, today=day("2026-11-29").date())
    # planned in November for 2027-S1, from the data up to June: said in the first line
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)
    code = main(["plan", "--region", str(REGION), "--processed", str(demo["processed"]),
                 "--out", str(tmp_path / "p.xlsx"), "--no-power", "--today", "2026-11-29"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("Plan for 2027-S1 (Kecamatan Alak), data up to 2026-06-30, first wave 2027-02-01")
    # bad numbers are one line each, before any work
    for args, what in ((["--seed", "-1"], "--seed"), (["--n-perm", "5"], "--n-perm must be at least 19"),
                       (["--n-sim", "1"], "--n-sim must be at least 100")):
        assert main(["plan", "--region", str(REGION), "--processed", str(demo["processed"]), *args]) == 2
        err = capsys.readouterr().err
        assert what in err and err.count("\n") == 1
