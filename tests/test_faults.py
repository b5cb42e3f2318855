"""Faults of the machine and odd options: one line, exit code 2 (input) or 3 (environment),
nothing partial left behind, the previous good output untouched.

Full and read-only disks are real where the machine allows it (a small tmpfs mounted by the
test, as root); otherwise the same faults come from a seam that makes the writing call fail
with the operating system's error.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from mutasi_analysis.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent / "reporting"))
from report_helpers import write_project  # noqa: E402

pytestmark = [pytest.mark.render, pytest.mark.slow]
TODAY = "2026-11-28"


def _report(proj, *extra, reports=None):
    return main(["report", "--period", "2026-S1", "--region", str(proj["region"]), "--processed",
                 str(proj["processed"]), "--reports", str(reports or proj["reports"]), "--notebooks",
                 str(proj["notebooks"]), "--today", TODAY, "-p", "x=3", *extra])


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and ".locks" not in p.parts}


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a tmpfs of a given size (KiB); skipped where mounting is not allowed."""
    mounted = []

    def make(kib: int) -> Path:
        where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
        where.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(where)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()}); the seam tests cover this fault")
        mounted.append(where)
        return where

    yield make
    for m in mounted:
        subprocess.run(["umount", "-l", str(m)], capture_output=True)


@pytest.fixture(scope="module")
def rendered_once(tmp_path_factory):
    """A tiny project with its report of 2026-S1 rendered once; tests work on copies."""
    from mutasi_analysis.reporting import pipeline

    mp = pytest.MonkeyPatch()
    mp.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    proj = write_project(tmp_path_factory.mktemp("faults") / "project")
    assert _report(proj) == 0
    yield proj
    mp.undo()


@pytest.fixture
def proj(tmp_path, monkeypatch):
    from mutasi_analysis.reporting import pipeline

    monkeypatch.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    return write_project(tmp_path / "project")


@pytest.fixture
def reported(rendered_once, tmp_path, monkeypatch):
    """A copy of the rendered project, in paths of its own (the manifest's inputs are relative)."""
    from mutasi_analysis.reporting import pipeline

    monkeypatch.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    root = tmp_path / "project"
    shutil.copytree(rendered_once["root"], root, symlinks=True)
    return {k: root / v.relative_to(rendered_once["root"]) for k, v in rendered_once.items()}


# ------------------------------------------------------------------------------ input faults
@pytest.mark.parametrize("args, words", [
    (["--period", "0000-S1"], "year 0 is out of range"),
    (["--period", "latest", "--today", "0001-01-05"], "out of range"),
    (["--period", "2026-S1", "-p", "x=many"], "x"),
])
def test_odd_options_are_one_line_with_exit_2(proj, capsys, args, words):
    code = main(["report", *args, "--region", str(proj["region"]), "--processed", str(proj["processed"]),
                 "--reports", str(proj["reports"]), "--notebooks", str(proj["notebooks"])]
                + (["--today", TODAY] if "--today" not in args else []))
    assert code == 2 and words in _one_line(capsys.readouterr().err)


def test_reports_naming_a_file_is_one_line_with_exit_3(proj, capsys):
    target = proj["root"] / "a-file"
    target.write_text("x")
    assert _report(proj, reports=target) == 3
    assert "a-file: it is a file, not a folder" in _one_line(capsys.readouterr().err)


def test_ingest_into_proc_is_one_line_with_exit_3(capsys, tmp_path, monkeypatch):
    from tests._raw_factory import write_raw

    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "test-key-0123456789abcdef0123456789abcdef")
    raw = write_raw(tmp_path / "raw")
    code = main(["ingest", "--raw", str(raw), "--out", "/proc/mutasi-no/such", "--region",
                 str(Path(__file__).resolve().parents[1] / "config" / "alak.toml")])
    assert code == 3
    assert _one_line(capsys.readouterr().err).endswith("/proc/mutasi-no: no such file or folder")


# ------------------------------------------------------------------------ environment faults
def _seam(monkeypatch, err: int, after: int = 0):
    """The (after+1)-th atomic JSON write of the pipeline fails with ``err``."""
    from mutasi_analysis.reporting import pipeline

    real, calls = pipeline.write_json_atomic, []

    def failing(path, data):
        calls.append(path)
        if len(calls) > after:
            raise OSError(err, os.strerror(err), str(path))
        return real(path, data)

    monkeypatch.setattr(pipeline, "write_json_atomic", failing)


@pytest.mark.parametrize("err, words", [(errno.ENOSPC, "no space left"), (errno.EROFS, "read-only")])
def test_a_disk_fault_keeps_the_previous_report_and_leaves_nothing_partial(reported, capsys, monkeypatch, err, words):
    proj = reported
    before = _tree(proj["reports"])
    capsys.readouterr()
    _seam(monkeypatch, err)
    assert _report(proj, "--force") == 3
    assert words in _one_line(capsys.readouterr().err)
    assert _tree(proj["reports"]) == before
    assert not list(proj["reports"].glob(".tmp-*")) and not list(proj["root"].glob(".processed.snapshot-*"))


def test_a_full_disk_on_a_first_render_publishes_nothing(proj, capsys, tmpfs):
    disk = tmpfs(256)  # the notebooks fit, their HTML pages do not
    assert _report(proj, reports=disk / "reports") == 3
    assert "no space left" in _one_line(capsys.readouterr().err)
    assert not (disk / "reports" / "2026-S1").exists() and not list((disk / "reports").glob(".tmp-*"))


def test_a_read_only_reports_folder_keeps_the_report(reported, capsys, tmpfs):
    proj = reported
    disk = tmpfs(8192)
    shutil.copytree(proj["reports"], disk / "reports")
    before = _tree(disk / "reports")
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    capsys.readouterr()
    assert _report(proj, "--force", reports=disk / "reports") == 3
    assert "read-only" in _one_line(capsys.readouterr().err)
    assert _tree(disk / "reports") == before


def test_a_full_disk_during_ingest_leaves_the_processed_data(capsys, demo_raw, tmpfs):
    # The raw files are the session's demo_raw (seed 1, config/alak.toml: what this test
    # generated itself before), read only: one demo generation fewer.
    region = Path(__file__).resolve().parents[1] / "config" / "alak.toml"
    disk = tmpfs(512)  # smaller than the demo's processed tables
    code = main(["ingest", "--raw", str(demo_raw), "--out", str(disk / "processed"), "--region", str(region)])
    assert code == 3 and f"{disk / 'processed'}: no space left" in _one_line(capsys.readouterr().err)
    assert [p.name for p in disk.iterdir() if not p.name.endswith(".lock")] == []  # nothing partial


# ------------------------------------------------------------------------------ broken pipe
def test_a_reader_that_leaves_does_not_stop_the_run(proj):
    """`mutasi report ... | head -1`: the report is still rendered, quietly."""
    mutasi = Path(sys.executable).parent / "mutasi"
    cmd = (f"'{mutasi}' report --period 2026-S1 --region '{proj['region']}' --processed '{proj['processed']}' "
           f"--reports '{proj['reports']}' --notebooks '{proj['notebooks']}' --today {TODAY} -p x=3 | head -1")
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 1 and r.stderr == ""
    assert (proj["reports"] / "2026-S1" / "manifest.json").is_file()
    assert shutil.which("head")
