"""The project's set-up files agree with each other."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~;\[ ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip().replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip")]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    py_deps = {_name(r): _spec(r) for r in project["dependencies"]}
    conda_deps = {_name(r): _spec(r) for r in conda}
    assert conda_deps == py_deps, "environment.yml and pyproject.toml list different runtime dependencies"
    assert "conda-forge" in env["channels"]
    assert any(p.startswith("-e .") for p in pip), "environment.yml must install the package from the checkout"
    py = next(d for d in env["dependencies"] if isinstance(d, str) and _name(d) == "python")
    assert py.replace(" ", "") == "python" + project["requires-python"]


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
