"""A report reads one generation of the processed data from start to finish.

An ingestion that publishes new processed data while a report renders must not give the
report's notebooks different data: every notebook reads the snapshot taken at the start, and
the manifest's input hashes are that snapshot's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell

from mutasi_analysis.locking import ReportLocked, ingest_lock_path, period_lock
from mutasi_analysis.record import read_record
from mutasi_analysis.reporting import pipeline
from mutasi_analysis.reporting.manifest import sha256_file
from mutasi_analysis.reporting.pipeline import run_report

from report_helpers import REPO, make_notebook

pytestmark = [pytest.mark.render, pytest.mark.slow]
PARAMS = 'period: str = "2026-S1"  # evaluation period\nprocessed: str = ""  # processed data folder\n'
READS = ("import pandas as pd\nfrom mutasi_analysis.record import record\n"
         "rows = len(pd.read_parquet(processed + '/t.parquet'))\n"
         "record('{name}', {{'period': period, 'rows': rows}})")


def _project(root):
    processed = root / "processed"
    processed.mkdir(parents=True)
    pd.DataFrame({"a": range(4)}).to_parquet(processed / "t.parquet")
    for name in ("01_a", "02_b", "03_c"):
        make_notebook(root / "notebooks" / f"{name}.ipynb", PARAMS, [new_code_cell(READS.format(name=name))])
    region = root / "region.toml"
    shutil.copy(REPO / "config" / "alak.toml", region)
    return processed, region


def _ingest_new_generation(processed, rows):
    """What `mutasi ingest` does: under its lock, a complete new folder renamed into place."""
    with period_lock(ingest_lock_path(processed), "test ingestion", queue_hint=False):
        new = processed.with_name(".processed.tmp-test")
        new.mkdir()
        pd.DataFrame({"a": range(rows)}).to_parquet(new / "t.parquet")
        old = processed.with_name(".processed.old-test")
        os.rename(processed, old)
        os.rename(new, processed)
        shutil.rmtree(old)


def test_an_ingestion_during_a_render_does_not_mix_generations(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    processed, region = _project(tmp_path)
    first = sha256_file(processed / "t.parquet")

    def progress(line):  # a new generation is published while 02_b starts rendering
        if "02_b: rendering" in line:
            _ingest_new_generation(processed, rows=9)

    outcome = run_report("2026-S1", region=region, processed=processed, reports=tmp_path / "reports",
                         notebooks=tmp_path / "notebooks", today=dt.date(2026, 11, 28), out=progress)
    assert outcome.exit_code == 0
    folder = tmp_path / "reports" / "2026-S1"
    rows = {n: read_record(folder / f"{n}.json")["rows"] for n in ("01_a", "02_b", "03_c")}
    assert rows == {"01_a": 4, "02_b": 4, "03_c": 4}, rows  # all the generation the run started with
    m = json.loads((folder / "manifest.json").read_text())
    assert [v for k, v in m["inputs"].items() if k.endswith("t.parquet")] == [first]
    assert all(".snapshot" not in k for k in m["inputs"])
    assert "pseudonym_key" in m  # None here: no ingestion made this folder
    assert all(e["parameters"]["processed"] == str(processed.resolve()) for e in m["notebooks"].values())
    assert not list(tmp_path.glob(".processed.snapshot-*"))  # the snapshot is gone
    # The next run sees the new generation, renders again, and records its hash.
    outcome = run_report("2026-S1", region=region, processed=processed, reports=tmp_path / "reports",
                         notebooks=tmp_path / "notebooks", today=dt.date(2026, 11, 28), out=lambda s: None)
    assert sorted(r.name for r in outcome.runs) == ["01_a", "02_b", "03_c"]
    assert {read_record(folder / f"{n}.json")["rows"] for n in ("01_a", "02_b", "03_c")} == {9}


def test_a_running_ingestion_makes_the_report_wait_or_refuse(tmp_path, monkeypatch):
    processed, region = _project(tmp_path)
    with period_lock(ingest_lock_path(processed), "test ingestion"):
        with pytest.raises(ReportLocked, match="an ingestion is running"):
            run_report("2026-S1", region=region, processed=processed, reports=tmp_path / "reports",
                       notebooks=tmp_path / "notebooks", today=dt.date(2026, 11, 28), out=lambda s: None)
    assert not (tmp_path / "reports" / "2026-S1").exists()


def test_a_snapshot_left_by_a_killed_run_is_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    processed, region = _project(tmp_path)
    from mutasi_analysis.reporting.snapshot import _host

    dead = tmp_path / ".processed.snapshot-999999999-x"  # no such process (a name from before hosts)
    mine = tmp_path / f".processed.snapshot-{_host()}-999999999-x"  # this machine's, process gone
    # Another machine's (a batch worker on a shared file system): its process id means nothing
    # here, so it is left for that machine to judge.
    theirs = tmp_path / ".processed.snapshot-h00000000-999999999-x"
    for d in (dead, mine, theirs):
        d.mkdir()
        (d / "t.parquet").write_bytes(b"old")
    run_report("2026-S1", region=region, processed=processed, reports=tmp_path / "reports",
               notebooks=tmp_path / "notebooks", today=dt.date(2026, 11, 28), only="01", out=lambda s: None)
    assert not dead.exists() and not mine.exists()
    assert theirs.exists() or _host() == "h00000000"


def test_a_notebook_that_declares_no_paths_reads_the_same_snapshot(tmp_path, monkeypatch):
    """A researcher's section may declare only `period`; it still reads the run's inputs."""
    monkeypatch.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    processed, region = _project(tmp_path)
    make_notebook(tmp_path / "notebooks" / "04_d.ipynb", 'period: str = "2026-S1"  # evaluation period\n', [
        new_code_cell("import pandas as pd\nfrom mutasi_analysis.reporting.notebook import report_context\n"
                      "ctx = report_context(period)\n"
                      "ctx.record('04_d', {'rows': len(pd.read_parquet(ctx.processed / 't.parquet')),\n"
                      "                    'where': ctx.processed.name, 'region': ctx.config.region.code})")])

    def progress(line):
        if "04_d: rendering" in line:
            _ingest_new_generation(processed, rows=7)

    outcome = run_report("2026-S1", region=region, processed=processed, reports=tmp_path / "reports",
                         notebooks=tmp_path / "notebooks", today=dt.date(2026, 11, 28), out=progress)
    assert outcome.exit_code == 0
    rec = read_record(tmp_path / "reports" / "2026-S1" / "04_d.json")
    assert rec["rows"] == 4 and rec["where"].startswith(".processed.snapshot-") and rec["region"] == "alak"
