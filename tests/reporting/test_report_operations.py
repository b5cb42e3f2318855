"""What a scheduled job says when it renders nothing, and a report without its PDF engine."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mutasi_analysis.cli import build_parser
from mutasi_analysis.errors import MutasiError
from mutasi_analysis.periods import parse_period
from mutasi_analysis.reporting import cli as report_cli
from mutasi_analysis.reporting import pdf as pdf_module
from mutasi_analysis.reporting import pipeline
from mutasi_analysis.reporting.pipeline import run_report, waiting_for_data

from report_helpers import REPO, write_project

D = dt.date


@pytest.mark.parametrize("today, data_end, expected", [
    # S2 ended 2026-12-31; the data stops at 2026-10-31: the job waits for S2's data.
    (D(2027, 1, 2), D(2026, 10, 31), "2026-S2: waiting for data up to 2026-12-31"),
    # S2 has not ended yet: nothing to wait for.
    (D(2026, 11, 28), D(2026, 10, 31), None),
    # S2's data is in (the latest would then be S2, but the check is about the next one).
    (D(2027, 1, 2), D(2026, 12, 31), None),
    # No stated data end: silent rather than guessing.
    (D(2027, 1, 2), None, None),
])
def test_waiting_for_data_names_the_date(today, data_end, expected):
    line = waiting_for_data(parse_period("2026-S1", "semester"), today, data_end)
    if expected is None:
        assert line is None
    else:
        assert line.startswith(expected) and data_end.isoformat() in line and "2026-S1 is the latest" in line


@pytest.mark.render
@pytest.mark.slow
def test_scheduled_run_says_it_is_waiting_rather_than_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "code_digest", lambda: "pinned")  # others edit the package meanwhile
    proj = write_project(tmp_path)
    (proj["processed"] / "ingest_summary.json").write_text(json.dumps({"data_end": "2026-10-31"}))
    lines: list[str] = []
    kw = dict(region=proj["region"], processed=proj["processed"], reports=proj["reports"],
              notebooks=proj["notebooks"], restricted=tmp_path / "restricted", out=lines.append)
    first = run_report("latest", today=D(2026, 11, 28), **kw)
    assert first.exit_code == 0 and first.period == "2026-S1"
    assert not [ln for ln in lines if "waiting for data" in ln]     # S2 has not ended: no line
    lines.clear()
    again = run_report("latest", today=D(2027, 1, 5), **kw)          # S2 ended; its data is not in
    assert again.exit_code == 0 and again.period == "2026-S1" and again.runs == []
    assert lines[0].startswith("2026-S2: waiting for data up to 2026-12-31")
    assert any("up to date" in ln for ln in lines)


def _args(*extra):
    return build_parser().parse_args(["report", "--period", "latest",
                                      "--region", str(REPO / "config" / "alak.toml"), *extra])


def test_without_the_pdf_engine_the_config_default_falls_back_with_one_line(monkeypatch, capsys):
    monkeypatch.setattr(pdf_module, "pdf_engine_problem", lambda: "the PDF needs the Pango libraries (x)")
    exports = report_cli._exports(_args())                    # config/alak.toml: [report] pdf = true
    out = capsys.readouterr().out.splitlines()
    assert list(exports) == ["handover"]                      # the workbook, no PDF
    assert len(out) == 1 and "no PDF this run" in out[0] and "Pango" in out[0] and "pdf = false" in out[0]


def test_without_the_pdf_engine_an_explicit_pdf_is_refused_before_rendering(monkeypatch):
    monkeypatch.setattr(pdf_module, "pdf_engine_problem", lambda: "the PDF needs the Pango libraries (x)")
    with pytest.raises(MutasiError, match=r"^--pdf: the PDF needs the Pango"):
        report_cli._exports(_args("--pdf"))


def test_with_the_pdf_engine_nothing_is_said(monkeypatch, capsys):
    monkeypatch.setattr(pdf_module, "pdf_engine_problem", lambda: None)
    assert list(report_cli._exports(_args())) == ["handover+pdf"]
    assert capsys.readouterr().out == ""


def test_the_engine_check_tells_a_missing_library_from_a_missing_package(monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **kw):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': error 0x7e\nmore detail")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", fake)
    problem = pdf_module.pdf_engine_problem()
    assert "Pango" in problem and "libpango-1.0-0" in problem and "\n" not in problem
    assert "install-system-deps" in problem and "environment.yml" in problem
