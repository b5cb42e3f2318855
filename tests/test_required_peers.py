"""Peers, reference fixtures and system tools cannot vanish from CI: ``require`` and
``require_module`` (tests/conftest.py) skip on a workstation and fail when CI=true."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, require, require_module


def test_present_module_is_returned(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require_module("json", "stdlib").__name__ == "json"
    require(True, "anything", "nothing to do")


def test_missing_module_skips_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.setitem(sys.modules, "diff_diff", None)  # `import diff_diff` now raises ImportError
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="'diff-diff'.*pip install diff-diff"):
        require_module("diff_diff", "peer of att_gt")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_module("diff_diff", "peer of att_gt")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true.*'diff-diff'.*pip install diff-diff"):
        require_module("diff_diff", "peer of att_gt")
    with pytest.raises(pytest.fail.Exception, match="pdftoppm is missing: run tools/install"):
        require(False, "pdftoppm", "run tools/install-system-deps.sh")


def test_a_ci_run_without_a_peer_fails_and_names_it(tmp_path):
    """A pytest session in a child process, with diff_diff made unimportable by a plugin (None
    in sys.modules), runs a test that needs it: under CI=true the run fails and names the
    package to install; without CI it passes with the test skipped for the same reason."""
    (tmp_path / "block_diff_diff.py").write_text("import sys\nsys.modules['diff_diff'] = None\n")
    (tmp_path / "test_needs_a_peer.py").write_text(
        "from tests.conftest import require_module\n\n\n"
        "def test_att_gt_against_diff_diff():\n"
        "    require_module('diff_diff', 'peer of att_gt')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    cmd = [sys.executable, "-m", "pytest", "test_needs_a_peer.py", "-p", "block_diff_diff",
           "-p", "no:cacheprovider", "-rfEs", "--no-header"]
    ci = subprocess.run(cmd, cwd=tmp_path, env={**env, "CI": "true"}, capture_output=True, text=True,
                        timeout=120)
    out = ci.stdout + ci.stderr
    assert ci.returncode == 1 and "1 failed" in out, out
    assert "'diff-diff'" in out and "pip install diff-diff" in out, out
    local = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    out = local.stdout + local.stderr
    assert local.returncode == 0 and "1 skipped" in out and "'diff-diff'" in out, out


def test_no_test_skips_a_missing_package_by_itself():
    """Peers and test tools go through require_module: a bare pytest.importorskip would skip
    in CI too. (Importing the project's own modules needs no guard at all.)"""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = re.search(r"importorskip\(\s*[\"']([\w.]+)", line)
            if m and not m.group(1).startswith("mutasi_analysis"):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "use tests.conftest.require_module instead:\n" + "\n".join(offenders)
