"""Lists of people (by pseudonym) never travel with a report.

A section writes them with ``ctx.restricted_path``; ``mutasi report`` publishes them under the
restricted root (folder 0700, files 0600) only when the report is published, never inside the
report folder, never under ``reports/_failed``, never linked from a page or the index.
"""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from nbformat.v4 import new_code_cell

from mutasi_analysis.reporting.pipeline import run_report

from report_helpers import PARAMS, REPO, make_notebook, write_project

pytestmark = [pytest.mark.render, pytest.mark.slow]
TODAY = dt.date(2026, 11, 28)
LIST = "kandidat-rotasi-2026-S1.csv"


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    p = write_project(tmp_path_factory.mktemp("restricted_project"))
    make_notebook(p["notebooks"] / "03_c.ipynb", PARAMS + 'region: str = ""  # region config\n', [
        new_code_cell(
            "from mutasi_analysis.reporting.notebook import report_context\n"
            "ctx = report_context(period, region=region)\n"
            "if fail:\n    raise ValueError('planted failure')\n"
            f"path = ctx.restricted_path({LIST!r})\n"
            "path.write_text('pseudonim,kode_unit\\nP-%d,KEC-ALAK\\n' % x)\n"
            "ctx.say('Daftar kandidat: {f}.', 'Candidates: {f}.', f=path.name)\n"
            "ctx.record('03_c', {'headline': {'n': 1}})"
        ),
    ])
    p["restricted"] = p["root"] / "restricted"
    return p


def _run(proj, **kw):
    old = os.umask(0o022)  # a report job's umask: the report is meant to be read by others
    try:
        return run_report(
            "2026-S1", region=proj["region"], processed=proj["processed"], reports=proj["reports"],
            notebooks=proj["notebooks"], restricted=proj["restricted"], today=TODAY, out=lambda s: None, **kw,
        )
    finally:
        os.umask(old)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_list_goes_to_the_restricted_folder_private_and_unlinked(proj):
    folder = proj["reports"] / "2026-S1"
    folder.mkdir(parents=True)
    (folder / LIST).write_text("left by an older version\n")  # where lists used to be written
    outcome = _run(proj, parameters={"x": 1})
    assert outcome.exit_code == 0 and outcome.installed
    target = proj["restricted"] / "alak" / "2026-S1" / LIST
    assert outcome.restricted == [target]
    assert target.read_text() == "pseudonim,kode_unit\nP-1,KEC-ALAK\n"
    assert _mode(target) == 0o600 and _mode(target.parent) == 0o700
    # No level above it is listable either: the root and the region's folder are 0700 too.
    assert _mode(proj["restricted"]) == 0o700 and _mode(proj["restricted"] / "alak") == 0o700
    assert _mode(folder) & 0o005 == 0o005                          # the report itself stays readable
    published = [p.relative_to(folder).as_posix() for p in folder.rglob("*")]
    assert not [p for p in published if LIST in p or ".restricted" in p], published
    pages = [folder / "03_c.html", proj["reports"] / "index.html"]
    for page in pages:
        assert f'href="{LIST}"' not in page.read_text(encoding="utf-8")
        assert "restricted" not in page.read_text(encoding="utf-8")


def test_failed_run_keeps_the_published_list_and_stages_nothing_under_reports(proj):
    target = proj["restricted"] / "alak" / "2026-S1" / LIST
    before = target.read_bytes()
    outcome = _run(proj, parameters={"x": 2, "fail": True}, only="03")
    assert outcome.exit_code == 1 and not outcome.installed and outcome.restricted == []
    assert target.read_bytes() == before
    assert not [p for p in proj["reports"].rglob("*") if ".restricted" in p.parts or p.name == LIST]


def test_rendering_again_replaces_the_list_and_leaves_no_part_file(proj):
    outcome = _run(proj, parameters={"x": 3}, only="03")
    assert outcome.exit_code == 0
    target = proj["restricted"] / "alak" / "2026-S1" / LIST
    assert target.read_text().endswith("P-3,KEC-ALAK\n") and _mode(target) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [LIST]   # no part files left


def test_lists_an_older_version_left_in_report_folders_are_moved_out_even_when_up_to_date(proj):
    folder, failed = proj["reports"] / "2026-S1", proj["reports"] / "_failed" / "2026-S1"
    target = proj["restricted"] / "alak" / "2026-S1"
    old = "kandidat-rotasi-2025-S2.csv"                       # a name the current run does not write
    (folder / old).write_text("pid\nlama\n")
    failed.mkdir(parents=True, exist_ok=True)
    (failed / LIST).write_text("stale copy\n")               # the published list stays the newer one
    before = (target / LIST).read_bytes()
    outcome = _run(proj, parameters={"x": 3}, only="03")
    assert outcome.exit_code == 0 and outcome.runs == []     # nothing rendered ...
    assert not (folder / old).exists() and not (failed / LIST).exists()   # ... and nothing left behind
    assert (target / old).read_text() == "pid\nlama\n" and _mode(target / old) == 0o600
    assert (target / LIST).read_bytes() == before


def test_a_hand_run_writes_its_list_to_the_project_s_restricted_runs_folder(tmp_path):
    from mutasi_analysis.config import load_config
    from mutasi_analysis.periods import parse_period
    from mutasi_analysis.reporting.notebook import ReportContext

    root = tmp_path / "restricted"
    runs = root / "alak" / "_runs" / "2026-S1" / "id"
    ctx = ReportContext(period=parse_period("2026-S1"), lang="id", config=load_config(REPO / "config" / "alak.toml"),
                        processed=None, out_dir=tmp_path / "notebooks" / "_runs" / "2026-S1" / "id",
                        reports=None, rendered=False, restricted=runs)
    old = os.umask(0o022)
    try:
        path = ctx.restricted_path(LIST)
    finally:
        os.umask(old)
    path.write_text("pid\n")
    assert path == runs / LIST and _mode(path) == 0o600
    assert all(_mode(d) == 0o700 for d in (root, root / "alak", root / "alak" / "_runs", runs.parent, runs))
    assert not (tmp_path / "notebooks").exists()              # nothing beside the hand run's results
