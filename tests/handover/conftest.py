"""Fixtures for the hand-over tests: one rendered report per test session."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handover_project import PERIOD, write_project  # noqa: E402

from tests.conftest import INSTALL_TEST_EXTRAS, require  # noqa: E402


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """``{"reports", "folder", "manifest", ...}`` of a report rendered once by the real pipeline."""
    from mutasi_analysis.reporting import pipeline
    from mutasi_analysis.reporting.manifest import read_manifest

    require(shutil.which("jupyter", path=str(Path(sys.executable).parent)) is not None,
            f"jupyter in {Path(sys.executable).parent}", f"pip install jupyterlab; {INSTALL_TEST_EXTRAS}")
    proj = write_project(tmp_path_factory.mktemp("handover_project"))
    lines: list[str] = []
    outcome = pipeline.run_report(
        PERIOD, region=proj["region"], processed=proj["processed"], reports=proj["reports"],
        notebooks=proj["notebooks"], today=dt.date(2026, 11, 28), jobs=2, out=lines.append,
    )
    assert outcome.exit_code == 0, "\n".join(lines)
    folder = proj["reports"] / PERIOD
    return {**proj, "folder": folder, "manifest": read_manifest(folder), "lines": lines}
