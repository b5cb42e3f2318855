"""Notebooks in git and the project's lint.

The report notebooks are their own source: researchers edit them in JupyterLab, and git stores
them through the nbstripout filter (``.gitattributes``; ``tools/git-setup.sh``, run by ``make
venv`` and ``make hooks``, configures it with nbdime's diff and merge drivers and a pre-commit
hook). Checked here: the notebooks as committed carry no outputs, execution counts or volatile
metadata but keep their kernel and ``parameters`` tag; this checkout's filter is configured and
strips; the setup script and the hook do what they say in a scratch repository; and ``ruff check``
passes on the whole project (package, tests, tools, benchmarks, notebooks).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, require, require_module

KERNEL = "mutasi-analysis"
PATTERN = "notebooks/[0-9][0-9]_*.ipynb"
#: The pooled report's notebooks (``mutasi batch`` renders them for the regions pooled).
POOLED_PATTERN = "notebooks/gabungan/[0-9][0-9]_*.ipynb"
#: Notebook metadata that changes with who ran it where (the filter strips it).
VOLATILE_NB_METADATA = ("language_info", "widgets", "papermill", "vscode", "signature")
VOLATILE_CELL_METADATA = ("ExecuteTime", "execution", "papermill", "collapsed", "scrolled")
INSTALL_GIT = "install git (Debian: apt-get install git)"
RUN_HOOKS = "run `make hooks` (tools/git-setup.sh configures this checkout's .git/config)"


def _git(*args: str, cwd: Path = ROOT, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, **kw)


def _in_git_checkout() -> bool:
    """True when ROOT is the top of a git checkout (not a tarball, not a folder inside another repo)."""
    if shutil.which("git") is None:
        return False
    top = _git("rev-parse", "--show-toplevel")
    return top.returncode == 0 and Path(top.stdout.strip()).resolve() == ROOT.resolve()


IN_GIT = _in_git_checkout()


def _notebook_paths() -> list[str]:
    """The report notebooks: as tracked by git in a checkout, else the files on disk."""
    if IN_GIT:
        listed = _git("ls-files", "--", PATTERN, POOLED_PATTERN).stdout.split()
        if listed:
            return sorted(listed)
    return sorted(p.relative_to(ROOT).as_posix() for pattern in (PATTERN, POOLED_PATTERN) for p in ROOT.glob(pattern))


NOTEBOOKS = _notebook_paths()


def _committed(path: str) -> tuple[str, dict]:
    """The notebook as git stores it (the index version, what the next commit holds), or the
    working file outside a git checkout; with where it was read."""
    if IN_GIT:
        shown = _git("show", f":{path}")
        if shown.returncode == 0:
            return f"git index :{path}", json.loads(shown.stdout)
    return str(ROOT / path), json.loads((ROOT / path).read_text(encoding="utf-8"))


def _volatile(nb: dict) -> list[str]:
    """Every output, execution count and volatile metadata key left in a notebook."""
    found = [f"metadata.{k}" for k in VOLATILE_NB_METADATA if k in nb.get("metadata", {})]
    for i, cell in enumerate(nb["cells"]):
        where = f"cell {i} ({cell.get('id', 'no id')})"
        if cell.get("outputs"):
            found.append(f"{where}: {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"{where}: execution_count {cell['execution_count']}")
        found += [f"{where}: metadata.{k}" for k in VOLATILE_CELL_METADATA if k in cell.get("metadata", {})]
    return found


def _notebook_with_outputs() -> dict:
    """A notebook as JupyterLab saves it after a run: outputs, counts, timings, widget state."""
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": KERNEL, "language": "python", "display_name": "Python (mutasi-analysis)"},
            "language_info": {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        },
        "cells": [
            {"cell_type": "code", "id": "params-cell", "execution_count": 1, "outputs": [],
             "metadata": {"tags": ["parameters"], "ExecuteTime": {"end_time": "2026-05-01T10:00:00"}},
             "source": 'period: str = "2026-S1"'},
            {"cell_type": "code", "id": "body-cell", "execution_count": 2,
             "metadata": {"execution": {"iopub.status.idle": "2026-05-01T10:00:01"}},
             "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1234 baris\n"]},
                         {"output_type": "execute_result", "execution_count": 2, "metadata": {},
                          "data": {"text/plain": ["42"]}}],
             "source": "print('1234 baris')\n42"},
            {"cell_type": "markdown", "id": "text-cell", "metadata": {}, "source": "# Ringkasan"},
        ],
    }


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def _assert_stripped(before: dict, after: dict) -> None:
    assert _volatile(after) == [], f"the filter left volatile content: {_volatile(after)}"
    assert after["metadata"]["kernelspec"] == before["metadata"]["kernelspec"], "kernelspec was changed"
    assert after["cells"][0]["metadata"].get("tags") == ["parameters"], "papermill's parameters tag was lost"
    # --keep-id: nbformat 4.5 cell ids are stable, so they are kept (not renumbered 0, 1, 2, ...)
    assert [c.get("id") for c in after["cells"]] == [c["id"] for c in before["cells"]]
    assert [_text(c["source"]) for c in after["cells"]] == [_text(c["source"]) for c in before["cells"]]


# ---------------------------------------------------------------------------------------------
# The notebooks as committed
# ---------------------------------------------------------------------------------------------
def test_the_report_notebooks_are_found():
    assert len(NOTEBOOKS) >= 5, f"expected the report notebooks {PATTERN}, found {NOTEBOOKS}"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_committed_notebook_has_no_outputs_and_keeps_kernel_and_parameters(path):
    where, nb = _committed(path)
    left = _volatile(nb)
    assert left == [], (f"{where} carries outputs or volatile metadata: {left}. Is the nbstripout filter "
                        f"active? {RUN_HOOKS}, then `git add --renormalize {path}`")
    assert nb["metadata"].get("kernelspec", {}).get("name") == KERNEL, f"{where}: kernel is not {KERNEL}"
    tagged = [i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{where}: cells tagged `parameters`: {tagged} (papermill needs exactly one)"


# ---------------------------------------------------------------------------------------------
# This checkout's git configuration
# ---------------------------------------------------------------------------------------------
def _require_checkout() -> None:
    require(shutil.which("git") is not None, "git", INSTALL_GIT)
    if not IN_GIT:
        pytest.skip(f"{ROOT} is not a git checkout: no filter to check")


def test_gitattributes_send_notebooks_through_nbstripout_and_nbdime():
    _require_checkout()
    out = _git("check-attr", "filter", "diff", "merge", "--", "notebooks/04_ikm.ipynb").stdout
    attrs = dict(line.split(": ")[1:3] for line in out.splitlines())  # "<path>: <attr>: <value>"
    assert attrs == {"filter": "nbstripout", "diff": "ipynb", "merge": "ipynb"}, out


def test_this_checkouts_clean_filter_strips_a_notebook():
    _require_checkout()
    clean = _git("config", "--get", "filter.nbstripout.clean").stdout.strip()
    require(bool(clean), "the nbstripout clean filter in .git/config", RUN_HOOKS)
    before = _notebook_with_outputs()
    # git runs the command through the shell, in the checkout's top folder, the notebook on stdin
    run = subprocess.run(clean, shell=True, cwd=ROOT, input=json.dumps(before), capture_output=True, text=True)
    assert run.returncode == 0, f"`{clean}` failed: {run.stderr}"
    _assert_stripped(before, json.loads(run.stdout))


@pytest.mark.parametrize("key", ["diff.ipynb.command", "merge.ipynb.driver"])
def test_this_checkouts_nbdime_drivers_point_at_installed_programs(key):
    _require_checkout()
    cmd = _git("config", "--get", key).stdout.strip()
    require(bool(cmd), f"the nbdime driver {key} in .git/config", RUN_HOOKS)
    program = Path(shlex.split(cmd)[0])
    assert program.is_absolute() and os.access(program, os.X_OK), f"{key} = {cmd}: {program} is not executable"


# ---------------------------------------------------------------------------------------------
# tools/git-setup.sh and the pre-commit hook, in a scratch repository
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def scratch_repo(tmp_path):
    """A new git checkout holding a copy of tools/ and .gitattributes, whose .venv is this venv."""
    require(shutil.which("git") is not None, "git", INSTALL_GIT)
    require_module("nbstripout", "the git filter of the notebooks")
    require_module("nbdime", "notebook diff and merge drivers")
    venv_bin = Path(sys.prefix) / "bin"
    require((venv_bin / "git-nbdiffdriver").exists(), f"nbdime's git-nbdiffdriver in {venv_bin}",
            "run the tests with the project's venv (.venv/bin/python -m pytest; `make venv`)")
    repo = tmp_path / "checkout"
    (repo / "tools").mkdir(parents=True)
    shutil.copy2(ROOT / "tools" / "git-setup.sh", repo / "tools")
    shutil.copytree(ROOT / "tools" / "git-hooks", repo / "tools" / "git-hooks")
    shutil.copy2(ROOT / ".gitattributes", repo)
    (repo / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (repo / "notebooks").mkdir()
    for args in (["init", "-q"], ["config", "user.email", "test@example.invalid"], ["config", "user.name", "test"],
                 ["config", "commit.gpgsign", "false"]):
        _git(*args, cwd=repo, check=True)
    return repo


def _setup(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "tools/git-setup.sh"], cwd=repo, capture_output=True, text=True)


@pytest.mark.slow  # nbstripout and nbdime start in a few seconds each
def test_git_setup_configures_strips_on_commit_and_is_quiet_the_second_time(scratch_repo):
    first = _setup(scratch_repo)
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.splitlines()) == 1, first.stdout
    again = _setup(scratch_repo)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", ""), "a second run must change nothing"

    nb_path = scratch_repo / "notebooks" / "04_ikm.ipynb"
    before = _notebook_with_outputs()
    nb_path.write_text(json.dumps(before, indent=1), encoding="utf-8")
    _git("add", "notebooks/04_ikm.ipynb", cwd=scratch_repo, check=True)
    commit = _git("commit", "-q", "-m", "notebook", cwd=scratch_repo)
    assert commit.returncode == 0, commit.stderr
    stored = json.loads(_git("show", "HEAD:notebooks/04_ikm.ipynb", cwd=scratch_repo, check=True).stdout)
    _assert_stripped(before, stored)
    kept = json.loads(nb_path.read_text(encoding="utf-8"))
    assert kept["cells"][1]["outputs"] == before["cells"][1]["outputs"], "the working copy lost its outputs"
    # git diff of the notebook goes through nbdime: a changed source is shown, outputs are not
    kept["cells"][1]["source"] = "print('4321 baris')"
    kept["cells"][1]["outputs"] = []
    nb_path.write_text(json.dumps(kept, indent=1), encoding="utf-8")
    diff = _git("diff", "--", "notebooks/04_ikm.ipynb", cwd=scratch_repo)
    assert diff.returncode == 0, diff.stderr
    assert diff.stdout.startswith("nbdiff ") and "4321 baris" in diff.stdout, diff.stdout
    assert "outputs" not in diff.stdout, f"outputs are stripped on both sides, yet shown: {diff.stdout}"


@pytest.mark.slow  # nbstripout and nbdime start in a few seconds each
def test_pre_commit_hook_refuses_outputs_when_the_filter_is_not_active(scratch_repo):
    assert _setup(scratch_repo).returncode == 0
    hook = Path(_git("rev-parse", "--git-path", "hooks/pre-commit", cwd=scratch_repo).stdout.strip())
    hook = hook if hook.is_absolute() else scratch_repo / hook
    assert os.access(hook, os.X_OK), f"no executable pre-commit hook at {hook}"
    nb = _notebook_with_outputs()
    (scratch_repo / "notebooks" / "02_mutasi.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    # the filter switched off for this one `git add`: the outputs reach the index
    _git("-c", "filter.nbstripout.clean=cat", "add", "notebooks/02_mutasi.ipynb", cwd=scratch_repo, check=True)
    refused = _git("commit", "-q", "-m", "outputs", cwd=scratch_repo)
    assert refused.returncode != 0, "the hook let a notebook with outputs through"
    assert "notebooks/02_mutasi.ipynb: 1 cell(s) with outputs, 2 with an execution count" in refused.stderr
    assert _git("rev-parse", "-q", "--verify", "HEAD", cwd=scratch_repo).returncode != 0, "something was committed"
    # once the filter runs again, the same notebook commits, stripped
    _git("add", "--renormalize", "notebooks/02_mutasi.ipynb", cwd=scratch_repo, check=True)
    ok = _git("commit", "-q", "-m", "stripped", cwd=scratch_repo)
    assert ok.returncode == 0, ok.stderr


def test_git_setup_outside_a_checkout_exits_0_with_one_line(tmp_path):
    (tmp_path / "tools").mkdir()
    shutil.copy2(ROOT / "tools" / "git-setup.sh", tmp_path / "tools")
    run = subprocess.run(["bash", "tools/git-setup.sh"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("\n") == 1 and "not a git checkout" in run.stdout, run.stdout + run.stderr
    assert not (tmp_path / ".git").exists()


# ---------------------------------------------------------------------------------------------
# ruff
# ---------------------------------------------------------------------------------------------
def _ruff(*args: str) -> subprocess.CompletedProcess:
    require_module("ruff", "the project's linter")
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_covers_package_tests_tools_benchmarks_and_notebooks():
    run = _ruff("check", "--show-files", "--no-cache")
    files = {Path(line.strip()).resolve().relative_to(ROOT).as_posix()
             for line in run.stdout.splitlines() if line.strip().startswith(str(ROOT))}
    for expected in ["mutasi_analysis/did/attgt.py", "tests/conftest.py", "tools/lock.py",
                     "benchmarks/bench_att_gt.py", *NOTEBOOKS]:
        assert expected in files, f"`ruff check` does not lint {expected} ([tool.ruff] in pyproject.toml)"
    assert "notebooks/build_notebooks.py" not in files


def test_ruff_check_passes_on_the_whole_project():
    run = _ruff("check", "--no-cache", "--output-format", "concise")
    assert run.returncode == 0, f"`ruff check` (from {ROOT}) found:\n{run.stdout}{run.stderr}"
