"""The project's set-up files agree with each other."""

from __future__ import annotations

from .conftest import ROOT


def test_ci_runs_the_documented_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci and "make test" in ci
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make report" in first_block and "make test" in first_block


def test_personal_data_folders_are_ignored():
    ignore = (ROOT / ".gitignore").read_text().splitlines()
    for folder in ("data/raw/*", "data/processed/*", "reports/*"):
        assert folder in ignore
