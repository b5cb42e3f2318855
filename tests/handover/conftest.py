"""Fixtures for the hand-over tests: one rendered report per test run (shared by xdist workers)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handover_project import PERIOD, write_project  # noqa: E402

from tests.conftest import INSTALL_TEST_EXTRAS, fill_once, require, shared_folder  # noqa: E402

#: The progress lines of the render, kept beside the project while it is shared.
LINES = "render-lines.json"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """``{"reports", "folder", "manifest", ...}`` of a report rendered once by the real pipeline.

    Once per test run (``fill_once``): under pytest-xdist the first worker renders it in the
    run's common folder; every worker gets a copy of its own, as the render was each worker's
    own before (the tests write the PDF and workbook beside it).
    """
    from mutasi_analysis.reporting import pipeline
    from mutasi_analysis.reporting.manifest import read_manifest

    require(shutil.which("jupyter", path=str(Path(sys.executable).parent)) is not None,
            f"jupyter in {Path(sys.executable).parent}", f"pip install jupyterlab; {INSTALL_TEST_EXTRAS}")

    def render(root: Path) -> None:
        proj = write_project(root)
        lines: list[str] = []
        outcome = pipeline.run_report(
            PERIOD, region=proj["region"], processed=proj["processed"], reports=proj["reports"],
            notebooks=proj["notebooks"], today=dt.date(2026, 11, 28), jobs=2, out=lines.append,
        )
        assert outcome.exit_code == 0, "\n".join(lines)
        (root / LINES).write_text(json.dumps(lines), encoding="utf-8")

    rendered_once = fill_once(shared_folder(tmp_path_factory), "handover_project", render)
    root = tmp_path_factory.mktemp("handover_project")
    shutil.copytree(rendered_once, root, symlinks=True, dirs_exist_ok=True)
    lines = json.loads((root / LINES).read_text(encoding="utf-8"))
    (root / LINES).unlink()
    proj = {"root": root, "notebooks": root / "notebooks", "processed": root / "processed",
            "region": root / "region.toml", "reports": root / "reports"}
    folder = proj["reports"] / PERIOD
    return {**proj, "folder": folder, "manifest": read_manifest(folder), "lines": lines}
