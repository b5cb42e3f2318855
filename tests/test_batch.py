"""``mutasi batch``: many regions as Dask tasks, on a real scheduler with two worker processes.

The must-show of issue 14: a batch of 4 demo regions run through ``dask scheduler`` and two
``dask worker`` processes on 127.0.0.1 gives the same result records as the serial path
(``mutasi ingest`` and ``mutasi report`` region after region); so does a batch in which one
worker is killed while it renders; a failing region is reported with its one-line reason while
the others publish. Each region renders one section (``01_kualitas_data``): what is tested is the
batch around the render, and every section is rendered the same way by the same pipeline
(``tests/reporting``). The cluster is started once for the module.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from mutasi_analysis.errors import MutasiError
from mutasi_analysis.project import POOLED_CODE, find_project

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD, TODAY = "2026-S1", "2026-11-28"
SECTION = "01_kualitas_data"
N_REGIONS = 4

pytestmark = [pytest.mark.slow]

PYPROJECT = """[tool.mutasi]
region = "config/regions/alak.toml"
raw = "data/raw"
processed = "data/processed"
reports = "reports"
restricted = "restricted"
notebooks = "notebooks"
"""


def _project(root: Path) -> Path:
    from mutasi_analysis.demo import write_demo_regions

    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / f"{SECTION}.ipynb", root / "notebooks")
    shutil.copytree(ROOT / "notebooks" / "gabungan", root / "notebooks" / "gabungan",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_demo_regions(root, n=N_REGIONS, seed=1, scale=0.5, base=ROOT / "config" / "alak.toml")
    return root


def _records(project: Path, codes) -> dict:
    return {c: json.loads((project / "reports" / c / PERIOD / f"{SECTION}.json").read_text(encoding="utf-8"))
            for c in codes}


def _mutasi(*args, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([str(BIN / "mutasi"), *args], cwd=cwd, capture_output=True, text=True,
                         env={**os.environ, "MUTASI_TODAY": TODAY})
    if check:
        assert run.returncode == 0, run.stderr
    return run


def _serial(*args) -> None:
    """One ``mutasi`` command of the serial path, in this process (what the command runs)."""
    from mutasi_analysis.cli import main

    assert main(list(args)) == 0


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """4 demo regions, each ingested and reported by the serial path; its records kept aside."""
    root = _project(tmp_path_factory.mktemp("batch") / "proj")
    proj = find_project(root)
    from mutasi_analysis.batch import find_regions

    for code, config in find_regions(project=proj):
        paths = proj.region_paths(code)
        _serial("ingest", "--raw", str(paths.raw), "--out", str(paths.processed), "--region", str(config))
        _serial("report", "--period", PERIOD, "--today", TODAY, "--region", str(config), "--processed",
                str(paths.processed), "--reports", str(paths.reports), "--notebooks", str(proj.notebooks),
                "--restricted", str(proj.restricted), "--no-pdf")
    return root


@pytest.fixture(scope="module")
def serial(project) -> dict:
    """The serial path's records, per region."""
    codes = _codes(project)
    assert len(codes) == N_REGIONS
    return _records(project, codes)


def _codes(project: Path) -> list[str]:
    from mutasi_analysis.batch import find_regions

    return [c for c, _ in find_regions(project=find_project(project))]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes (no nanny: a killed worker stays dead)."""
    folder = tmp_path_factory.mktemp("dask")
    sched_file = folder / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(sched_file)],
                              cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    deadline = time.monotonic() + 60
    while not sched_file.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = [subprocess.Popen([str(BIN / "dask"), "worker", "--scheduler-file", str(sched_file), "--nthreads", "1",
                                 "--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}"],
                                cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for i in range(2)]
    procs += workers
    address = json.loads(sched_file.read_text())["address"]
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    yield {"address": address, "workers": workers}
    for p in reversed(procs):
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


def _leftovers(project: Path) -> list[Path]:
    """Hidden temporaries a render or an ingestion leaves when it is killed (and not cleaned up)."""
    found = []
    for code in _codes(project):
        found += [p for p in (project / "reports" / code).glob(".tmp-*")]
        found += [p for p in (project / "reports" / code).glob(".old-*")]
        found += [p for pattern in (".processed.snapshot-*", ".processed.tmp-*", ".processed.old-*")
                  for p in (project / "data" / code).glob(pattern)]
    return found


def test_batch_on_a_real_scheduler_gives_the_serial_records(project, serial, cluster):
    from mutasi_analysis.batch import run_batch
    import datetime as dt

    lines: list[str] = []
    proj = find_project(project)
    outcome = run_batch(PERIOD, scheduler=cluster["address"], force=True, pdf=False,
                        today=dt.date.fromisoformat(TODAY), project=proj, out=lines.append)
    assert outcome.exit_code == 0, outcome.table()
    assert [r.status for r in outcome.regions] == ["done"] * N_REGIONS
    # The pooled report: the four regions' parts pooled and rendered by the same pipeline.
    assert outcome.pooled is not None and outcome.pooled.status == "done", outcome.table()
    pooled = proj.region_paths(POOLED_CODE)
    wilayah = pd.read_parquet(pooled.processed / "wilayah.parquet")
    assert sorted(wilayah["kode_wilayah"]) == sorted(_codes(project))
    record = json.loads((pooled.reports / PERIOD / "01_gabungan.json").read_text(encoding="utf-8"))
    from mutasi_analysis.sections import PooledRecord

    PooledRecord.model_validate(record["results"])
    assert len({r.worker for r in outcome.regions}) == 2, "both workers took regions"
    assert _records(project, _codes(project)) == serial
    # The table and the progress lines name every region; the summary file says the same.
    assert all(any(line.endswith(f"{c}: done  {project / 'reports' / c / PERIOD}") for line in lines)
               for c in _codes(project))
    summary = json.loads(outcome.summary.read_text(encoding="utf-8"))
    assert [r["status"] for r in summary["regions"]] == ["done"] * N_REGIONS and summary["exit_code"] == 0


def _kill_when_rendering(project: Path, worker: subprocess.Popen, killed: dict) -> None:
    """Kill ``worker`` once a render is under way (a temporary report folder exists)."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if any((project / "reports" / c).glob(f".tmp-{PERIOD}-*") for c in _codes(project)):
            time.sleep(1.0)  # well inside the render (a kernel runs the section)
            worker.send_signal(signal.SIGKILL)
            worker.wait()  # reaped, as a nanny or a shell would: a zombie would still look alive
            killed["at"] = time.monotonic()
            return
        time.sleep(0.1)


def test_a_worker_killed_mid_batch_and_a_failing_region(project, serial, cluster):
    """One worker is killed while both render: its region runs again on the other, every report is
    whole and equal to the serial one; a region with a broken export fails with its reason while
    the others publish."""
    from mutasi_analysis.batch import run_batch
    import datetime as dt

    broken = project / "config" / "regions" / "zz-rusak.toml"
    text = (project / "config" / "regions" / "alak.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace('code = "alak"', 'code = "zz-rusak"'), encoding="utf-8")
    proj = find_project(project)
    raw = proj.region_paths("zz-rusak").raw
    shutil.copytree(proj.region_paths("alak").raw, raw)
    (raw / "pegawai.csv").unlink()  # the staff export is missing
    try:
        killed: dict = {}
        watcher = threading.Thread(target=_kill_when_rendering, args=(project, cluster["workers"][0], killed))
        watcher.start()
        outcome = run_batch(PERIOD, scheduler=cluster["address"], force=True, pooled=False, pdf=False,
                            today=dt.date.fromisoformat(TODAY), project=proj, out=lambda line: None)
        watcher.join()
        assert "at" in killed, "the worker was never killed: no render was seen under way"
        assert cluster["workers"][0].returncode == -signal.SIGKILL
        by_code = {r.code: r for r in outcome.regions}
        failed = by_code.pop("zz-rusak")
        assert failed.status == "failed" and "pegawai" in failed.reason and "\n" not in failed.reason
        assert [r.status for r in by_code.values()] == ["done"] * N_REGIONS, outcome.table()
        # The last batch ingested them (its stamp records what it read): nothing changed since.
        assert not any(r.ingested for r in by_code.values())
        assert outcome.exit_code == 1
        assert _records(project, by_code) == serial
        assert _leftovers(project) == []
        assert not (proj.region_paths("zz-rusak").reports / PERIOD).exists(), "a failed region publishes nothing"
        line = next(x for x in outcome.table().splitlines() if x.startswith("zz-rusak"))
        assert "failed" in line and "pegawai" in line
    finally:
        broken.unlink()
        shutil.rmtree(raw.parent)


def test_workers_with_another_pseudonym_key_are_refused_before_any_task(project, cluster, tmp_path):
    """A worker joining with another key: the batch stops before any region runs, naming both."""
    from distributed import Client

    from mutasi_analysis.batch import run_batch
    from mutasi_analysis.pseudonym import key_id

    other = tmp_path / "other.key"
    other.write_text("x" * 64 + "\n", encoding="utf-8")
    other.chmod(0o600)
    env = {**os.environ, "MUTASI_PSEUDONYM_KEY_FILE": str(other)}
    env.pop("MUTASI_PSEUDONYM_KEY", None)
    joined = subprocess.Popen([str(BIN / "dask"), "worker", cluster["address"], "--nthreads", "1", "--no-nanny",
                               "--no-dashboard", "--host", "127.0.0.1", "--name", "other-key"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with Client(cluster["address"], timeout="60s") as client:
            alive = sum(1 for w in cluster["workers"] if w.poll() is None)
            client.wait_for_workers(alive + 1, timeout=120)
        before = sorted(p.stat().st_mtime_ns for p in (project / "reports").rglob("manifest.json"))
        with pytest.raises(MutasiError, match=f"do not hold one pseudonym key.*{key_id(b'x' * 64)}"):
            run_batch(PERIOD, scheduler=cluster["address"], force=True, pooled=False,
                      project=find_project(project), out=lambda line: None)
        assert sorted(p.stat().st_mtime_ns for p in (project / "reports").rglob("manifest.json")) == before
    finally:
        joined.send_signal(signal.SIGTERM)
        joined.wait(timeout=30)


def test_a_region_task_refuses_to_ingest_under_another_key(project, monkeypatch):
    """The worker-side check: a task made for another key fails its region before ingesting."""
    from mutasi_analysis.batch import RegionTask, run_region

    proj = find_project(project)
    paths = proj.region_paths("alak")
    from mutasi_analysis.batch import ingest_stamp

    stamp = ingest_stamp(paths.processed)
    before = stamp.read_bytes()
    task = RegionTask(code="alak", config=str(project / "config" / "regions" / "alak.toml"), raw=str(paths.raw),
                      processed=str(paths.processed), reports=str(paths.reports), restricted=str(proj.restricted),
                      notebooks=str(proj.notebooks), period=PERIOD, key_id="0" * 16)
    outcome = run_region(task)
    assert outcome.status == "failed" and not outcome.ingested
    assert "holds pseudonym key" in outcome.reason and "0" * 16 in outcome.reason
    assert stamp.read_bytes() == before


def test_mutasi_batch_command_reports_a_failing_region_in_one_line(project):
    """The command on a local cluster: exit 1, the region's reason in the table, no traceback."""
    proj = find_project(project)
    regions = project / "config" / "regions"
    (regions / "zz-kosong.toml").write_text(
        (regions / "alak.toml").read_text(encoding="utf-8").replace('code = "alak"', 'code = "zz-kosong"'),
        encoding="utf-8")
    try:
        run = _mutasi("batch", "--period", PERIOD, "--regions", "config/regions/zz-*.toml", "--workers", "1",
                      "--no-pdf", cwd=project, check=False)
        assert run.returncode == 1, run.stdout + run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert run.stderr.strip() == "mutasi batch: error: failed: zz-kosong"
        row = next(x for x in run.stdout.splitlines() if x.startswith("zz-kosong"))
        assert "failed" in row and str(proj.region_paths("zz-kosong").raw) in row
        assert "1 region(s): 0 done, 0 up to date, 1 failed" in run.stdout
    finally:
        (regions / "zz-kosong.toml").unlink()


# ------------------------------------------------------------------ options and layout (no cluster)
def _tmp_project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + extra, encoding="utf-8")
    (tmp_path / "config" / "regions").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / f"{SECTION}.ipynb", tmp_path / "notebooks")
    return tmp_path


def test_region_layout_defaults_and_overrides(tmp_path):
    proj = find_project(_tmp_project(tmp_path))
    paths = proj.region_paths("maulafa")
    assert (paths.raw, paths.processed, paths.reports) == (
        tmp_path / "data" / "maulafa" / "raw", tmp_path / "data" / "maulafa" / "processed",
        tmp_path / "reports" / "maulafa")
    assert proj.regions_glob == "config/regions/*.toml"
    assert proj.region_paths(POOLED_CODE).reports == tmp_path / "reports" / POOLED_CODE
    # A one-region project's own paths are untouched by the layout.
    assert (proj.raw, proj.processed) == (tmp_path / "data" / "raw", tmp_path / "data" / "processed")
    other = tmp_path / "other"
    other.mkdir()
    proj = find_project(_tmp_project(other, 'regions = "wilayah/*.toml"\nregion_raw = "mentah/{code}"\n'))
    assert proj.regions_glob == "wilayah/*.toml"
    assert proj.region_paths("oebobo").raw == other / "mentah" / "oebobo"
    with pytest.raises(MutasiError, match="region code"):
        proj.region_paths("../x")


@pytest.mark.parametrize("line, says", [
    ('region_processed = "data/processed"', r"region_processed = 'data/processed'.*\{code\}"),
    ('region_raw = "data/{kode}/{code}/raw"', r"region_raw = .*no other"),
    ('region_raw = "data/{code}/processed"', "three different folders"),
])
def test_a_layout_path_without_the_code_is_refused(tmp_path, line, says):
    _tmp_project(tmp_path, line + "\n")
    with pytest.raises(MutasiError, match=says):
        find_project(tmp_path)


def test_region_configs_are_checked_before_any_work(tmp_path, region_path):
    from mutasi_analysis.batch import find_regions, run_batch

    proj = find_project(_tmp_project(tmp_path))
    with pytest.raises(MutasiError, match="no region config matches"):
        find_regions(project=proj)
    text = region_path.read_text(encoding="utf-8")
    (tmp_path / "config" / "regions" / "a.toml").write_text(text, encoding="utf-8")
    (tmp_path / "config" / "regions" / "b.toml").write_text(text, encoding="utf-8")
    with pytest.raises(MutasiError, match=r"b\.toml: region code 'alak' is also the code of .*a\.toml"):
        find_regions(project=proj)
    (tmp_path / "config" / "regions" / "b.toml").write_text(text.replace('code = "alak"', 'code = "_x"'),
                                                              encoding="utf-8")
    with pytest.raises(MutasiError, match="starts with '_'"):
        find_regions(project=proj)
    for kwargs, message in (({"workers": 0}, "--workers must be a whole number"),
                            ({"workers": 1.5}, "--workers must be a whole number"),
                            ({"retries": -1}, "--retries must be"),
                            ({"scheduler": "tcp://127.0.0.1:9", "workers": 2}, "give one or the other"),
                            ({"lang": "fr"}, "--lang 'fr'")):
        with pytest.raises(MutasiError, match=message):
            run_batch(PERIOD, project=proj, **kwargs)
    # What every region's task would refuse is refused once, before a cluster starts.
    (tmp_path / "config" / "regions" / "b.toml").unlink()
    for kwargs, message in (({"only": "99"}, "99"), ({"parameters": {"nonsense": "1"}}, "unknown parameter"),
                            ({"period": "2026-X9"}, "2026-X9"), ({"period": "2099-S1"}, "has not ended")):
        with pytest.raises(MutasiError, match=message):
            run_batch(**{"period": PERIOD, **kwargs}, project=proj, scheduler="tcp://127.0.0.1:9", connect_timeout=1)


def test_an_unreachable_scheduler_is_one_line(tmp_path, region_path):
    from mutasi_analysis.batch import run_batch

    proj = find_project(_tmp_project(tmp_path))
    (tmp_path / "config" / "regions" / "a.toml").write_text(region_path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(MutasiError, match=r"--scheduler tcp://127\.0\.0\.1:9: cannot reach a Dask scheduler"):
        run_batch(PERIOD, project=proj, scheduler="tcp://127.0.0.1:9", connect_timeout=3)
    with pytest.raises(MutasiError, match="--scheduler nonsense: not a scheduler address"):
        run_batch(PERIOD, project=proj, scheduler="nonsense", connect_timeout=3)


def test_a_scheduler_without_workers_is_one_line_not_a_hang(tmp_path, region_path):
    """A real ``dask scheduler`` process with no worker (not an in-process cluster, whose event
    loop may take longer to start than distributed allows on a loaded machine)."""
    from mutasi_analysis.batch import run_batch

    proj = find_project(_tmp_project(tmp_path))
    (tmp_path / "config" / "regions" / "a.toml").write_text(region_path.read_text(encoding="utf-8"), encoding="utf-8")
    sched_file = tmp_path / "scheduler.json"
    sched = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                              "--scheduler-file", str(sched_file)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not sched_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        with pytest.raises(MutasiError, match="the scheduler has no worker after 3 s"):
            run_batch(PERIOD, project=proj, scheduler=address, connect_timeout=3)
    finally:
        sched.send_signal(signal.SIGTERM)
        sched.wait(timeout=30)


def test_the_ingest_stamp_notices_a_new_day(project):
    """Rows dated after the ingestion's day are rejected, so the next day ingests again; the same
    day does not. The stamp is named by its processed folder (two regions never share one)."""
    from mutasi_analysis.batch import RegionTask, _maybe_ingest, ingest_stamp

    proj = find_project(project)
    paths = proj.region_paths("kota-lama")
    assert ingest_stamp(paths.processed) == paths.processed.parent / ".processed.batch-ingest.json"
    task = RegionTask(code="kota-lama", config=str(project / "config" / "regions" / "kota-lama.toml"),
                      raw=str(paths.raw), processed=str(paths.processed), reports=str(paths.reports),
                      restricted=str(proj.restricted), notebooks=str(proj.notebooks), period=PERIOD, today=TODAY)
    _maybe_ingest(task, [])  # whatever the earlier tests left: now stamped for TODAY
    assert _maybe_ingest(task, []) is False
    assert _maybe_ingest(dataclasses.replace(task, today="2026-11-29"), []) is True
    assert json.loads(ingest_stamp(paths.processed).read_text(encoding="utf-8"))["today"] == "2026-11-29"
