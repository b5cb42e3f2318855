"""``mutasi report`` end to end on throwaway notebooks: rendering, manifest, idempotence,
``--only``, ``--jobs``, failure handling and the swap that keeps the previous report.

One module-scoped project; the tests run in file order and build on each other's state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil

import pandas as pd
import pytest

from mutasi_analysis.cli import main
from mutasi_analysis.record import read_record, read_records
from mutasi_analysis.reporting.html import external_references
from mutasi_analysis.reporting import pipeline
from mutasi_analysis.reporting.pipeline import run_report

from report_helpers import REPO, write_project

pytestmark = [pytest.mark.render, pytest.mark.slow]
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    # Several engineers edit the package while these tests run; the code digest (which
    # rightly triggers re-rendering) is pinned so that their edits cannot. Code changes are
    # tested in test_code_change_renders_everything_again.
    mp = pytest.MonkeyPatch()
    mp.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    yield write_project(tmp_path_factory.mktemp("report_project"))
    mp.undo()


def _run(proj, lines=None, **kw):
    kw = {"parameters": {"x": 3}, **kw}
    return run_report(
        "latest", region=proj["region"], processed=proj["processed"], reports=proj["reports"],
        notebooks=proj["notebooks"], today=TODAY, out=(lines.append if lines is not None else (lambda s: None)),
        **kw,
    )


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_first_render_writes_notebooks_html_results_manifest_and_index(proj):
    lines = []
    outcome = _run(proj, lines)
    folder = proj["reports"] / "2026-S1"
    assert outcome.exit_code == 0 and outcome.installed and outcome.folder == folder
    assert [r.name for r in outcome.runs] == ["01_a", "02_b", "00_sum"]  # summary last
    # Recorded numbers: 4 rows x the injected x=3; 3 + 0.5 (int default given as float);
    # the summary read both files.
    res = read_records(folder)
    assert res["01_a"]["headline"]["n"]["value"] == 12 and res["01_a"]["period"] == "2026-S1"
    assert res["02_b"]["headline"]["y"]["value"] == 3.5
    assert res["00_sum"]["total"] == 15.5
    m = json.loads((folder / "manifest.json").read_text())
    assert m["period"] == "2026-S1" and m["status"] == "ok" and m["failed"] == []
    data = proj["processed"] / "t.parquet"
    sha = hashlib.sha256(data.read_bytes()).hexdigest()
    assert [v for k, v in m["inputs"].items() if k.endswith("t.parquet")] == [sha]
    assert any(k.endswith("region.toml") for k in m["inputs"])
    assert re.fullmatch(r"[0-9a-f]{40}", m["git"]["commit"]) and isinstance(m["git"]["dirty"], bool)
    assert m["packages"]["papermill"] and m["packages"]["pandas"]
    lock = REPO / "requirements-lock.txt"
    assert m["lock"]["file"] == lock.name
    assert m["lock"]["sha256"] == hashlib.sha256(lock.read_bytes()).hexdigest()
    assert m["lock"]["matches"] is True and m["lock"]["drift"] == []  # make installs exactly the lock
    for name, e in m["notebooks"].items():
        assert e["status"] == "ok" and e["duration_s"] > 0 and e["started"] < e["ended"]
        assert set(e["files"]) == {"ipynb", "html", "json"}
    assert m["notebooks"]["01_a"]["parameters"]["x"] == 3
    assert m["notebooks"]["02_b"]["parameters"] == {
        "period": "2026-S1", "processed": str(proj["processed"].resolve()), "x": 3}
    assert m["notebooks"]["00_sum"]["parameters"] == {  # only what it declares is injected
        "period": "2026-S1", "region": str(proj["region"].resolve()), "reports": str(proj["reports"].resolve())}
    # HTML: no code, figure inline, no network loads.
    page = (folder / "02_b.html").read_text(encoding="utf-8")
    assert "SECRET_CODE_MARKER" not in page and "data:image/png;base64," in page
    for html in folder.glob("*.html"):
        assert external_references(html.read_text(encoding="utf-8")) == [], html.name
    index = (proj["reports"] / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-S1/01_a.html"' in index and "baris x" in index
    # Progress lines and the final table name every notebook.
    text = "\n".join(lines)
    assert "[3/3] 00_sum: ok" in text
    assert re.search(r"^01_a\s+ok\s+[\d.]+\s+\S*01_a\.html$", text, re.M)


def test_second_run_renders_nothing_and_says_so(proj):
    folder = proj["reports"] / "2026-S1"
    before = _snapshot(folder)
    lines = []
    outcome = _run(proj, lines)
    assert outcome.runs == [] and outcome.skipped == ["00_sum", "01_a", "02_b"]
    assert "up to date" in lines[0] and "--force" in lines[0]
    assert _snapshot(folder) == before


def test_missing_export_is_made_without_rendering_and_a_failing_one_keeps_the_report(proj):
    folder = proj["reports"] / "2026-S1"
    before = _snapshot(folder)

    def summary_csv(f, lang):  # a stand-in export that reads the recorded results
        path = f / f"ringkasan-{lang}.csv"
        path.write_text("total\n%s\n" % read_record(f / "00_sum.json")["total"])
        return path

    outcome = _run(proj, exports={"csv": summary_csv})
    assert outcome.runs == [] and [e.name for e in outcome.exports] == ["export:csv"]
    assert (folder / "ringkasan-id.csv").read_text() == "total\n15.5\n"
    m = json.loads((folder / "manifest.json").read_text())
    assert m["exports"]["csv"]["status"] == "ok" and m["exports"]["csv"]["files"] == {"file": "ringkasan-id.csv"}
    for name in ("01_a.ipynb", "02_b.json", "00_sum.html"):
        assert (folder / name).read_bytes() == before[name]
    assert _run(proj, exports={"csv": summary_csv}).exports == []      # now up to date
    _run(proj, only="02", force=True)  # re-rendered without the export: the stale file goes
    assert not (folder / "ringkasan-id.csv").exists()
    assert "csv" not in json.loads((folder / "manifest.json").read_text())["exports"]
    _run(proj, exports={"csv": summary_csv})

    def broken(f, lang):
        raise RuntimeError("no fonts")

    good = _snapshot(folder)
    outcome = _run(proj, exports={"csv": summary_csv, "pdf": broken})
    assert outcome.exit_code == 1 and [r.name for r in outcome.failures] == ["export:pdf"]
    assert _snapshot(folder) == good                                 # the good report stayed
    failed = json.loads((proj["reports"] / "_failed" / "2026-S1" / "manifest.json").read_text())
    assert failed["failed"] == ["export:pdf"]
    assert failed["exports"]["pdf"]["error"] == {"ename": "RuntimeError", "evalue": "no fonts"}
    shutil.rmtree(proj["reports"] / "_failed")


def test_only_and_force_rerender_just_that_notebook(proj):
    folder = proj["reports"] / "2026-S1"
    before = _snapshot(folder)
    m0 = json.loads(before["manifest.json"])
    outcome = _run(proj, only="02", force=True)
    # The summary reads 02's results: it comes along, so it never describes the old 02.
    assert [r.name for r in outcome.runs] == ["02_b", "00_sum"]
    after = _snapshot(folder)
    for name in ("01_a.ipynb", "01_a.html", "01_a.json"):
        assert after[name] == before[name], name
    m1 = json.loads(after["manifest.json"])
    assert m1["notebooks"]["01_a"] == m0["notebooks"]["01_a"]
    assert m1["notebooks"]["02_b"]["started"] > m0["notebooks"]["02_b"]["started"]


def test_changed_input_renders_again_in_parallel(proj):
    pd.DataFrame({"a": range(5)}).to_parquet(proj["processed"] / "t.parquet")
    lines = []
    outcome = _run(proj, lines, jobs=2)
    assert sorted(r.name for r in outcome.runs) == ["00_sum", "01_a", "02_b"]
    assert all(r.status == "ok" for r in outcome.runs)
    folder = proj["reports"] / "2026-S1"
    assert read_record(folder / "01_a.json")["headline"]["n"]["value"] == 15
    assert read_record(folder / "00_sum.json")["total"] == 18.5
    assert "with 2 job(s)" in lines[0]
    assert json.loads((folder / "manifest.json").read_text())["jobs"] == 2


def test_failing_notebook_keeps_previous_report_and_exits_nonzero(proj, capsys):
    folder = proj["reports"] / "2026-S1"
    before = _snapshot(folder)
    code = main([
        "report", "--period", "2026-S1", "--region", str(proj["region"]), "--processed",
        str(proj["processed"]), "--reports", str(proj["reports"]), "--notebooks",
        str(proj["notebooks"]), "--today", TODAY.isoformat(), "-p", "x=3", "-p", "fail=true",
        "--only", "01,02",
    ])
    cap = capsys.readouterr()
    assert code == 1
    assert "failed: 01_a" in cap.err
    assert "01_a" in cap.out and "previous complete report" in cap.out
    assert _snapshot(folder) == before                            # previous report survived
    failed = proj["reports"] / "_failed" / "2026-S1"
    m = json.loads((failed / "manifest.json").read_text())
    assert m["status"] == "failed" and "01_a" in m["failed"]
    e = m["notebooks"]["01_a"]
    assert e["status"] == "failed" and e["parameters"]["fail"] is True
    assert e["error"] == {"ename": "ValueError", "evalue": "planted failure"}
    # cells: parameters, injected parameters, markdown, the failing code cell
    assert e["failed_cell"]["index"] == 3 and "raise ValueError" in e["failed_cell"]["source"]
    assert m["notebooks"]["02_b"]["status"] == "ok"                 # the others still rendered
    assert read_record(failed / "02_b.json")["headline"]["y"]["value"] == 3.5
    index = (proj["reports"] / "index.html").read_text(encoding="utf-8")
    assert 'href="_failed/2026-S1/manifest.json"' in index and "gagal: 00_sum, Bagian A<" in index  # the summary came along; sections by title


def test_after_a_failure_the_good_report_is_still_current(proj):
    lines = []
    outcome = _run(proj, lines)
    assert outcome.exit_code == 0 and outcome.runs == [] and "up to date" in lines[0]
    assert read_record(proj["reports"] / "2026-S1" / "00_sum.json")["total"] == 18.5
    assert not list(proj["reports"].glob(".tmp-*")) and not list(proj["reports"].glob(".old-*"))


def test_first_report_with_a_failure_publishes_nothing(proj):
    reports = proj["root"] / "reports_first"
    outcome = run_report(
        "2026-S1", region=proj["region"], processed=proj["processed"], reports=reports,
        notebooks=proj["notebooks"], today=TODAY, only="01", parameters={"fail": True},
        out=lambda s: None,
    )
    assert outcome.exit_code == 1 and not outcome.installed
    assert not (reports / "2026-S1").exists()                 # no half report is published
    m = json.loads((reports / "_failed" / "2026-S1" / "manifest.json").read_text())
    # The summary came along and could not read 01's results either.
    assert m["status"] == "failed" and m["failed"] == ["00_sum", "01_a"]
    assert (reports / "_failed" / "2026-S1" / "01_a.html").exists()


def test_code_change_renders_everything_again(proj, monkeypatch):
    from mutasi_analysis.reporting.render import NotebookRun

    calls = []

    def fake_render(nb, folder, params, **kw):  # no kernel: only the decision is under test
        calls.append(nb.stem)
        return NotebookRun(nb.stem, "ok", "2026-11-28T00:00:00", "2026-11-28T00:00:01", 1.0,
                           files={"ipynb": nb.name})

    monkeypatch.setattr(pipeline, "render_notebook", fake_render)
    assert _run(proj).runs == []
    monkeypatch.setattr(pipeline, "code_digest", lambda: "another-code-digest")
    _run(proj)
    assert calls == ["01_a", "02_b", "00_sum"]
