"""The locked environment: the lock covers pyproject.toml, environment.yml is generated from it,
``make`` installed exactly it, and ``mutasi doctor`` names each way an environment can drift."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from mutasi_analysis import environment as env

from .conftest import ROOT

LOCK = ROOT / "requirements-lock.txt"


def _lock_tool():
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def locked():
    return env.read_lock(LOCK)


def test_every_declared_dependency_is_pinned_within_its_range(locked):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = {p.name: p.version for p in locked if p.applies()}
    for line in declared:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not in the lock: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{req.name}: the lock pins {pins[name]}, outside pyproject.toml's {req.specifier}; run `make lock`")


def test_lock_pins_every_package_with_hashes():
    text = LOCK.read_text()
    assert "--hash=sha256:" in text and "make lock" in text.splitlines()[1]
    lines = text.splitlines()
    pins = [i for i, line in enumerate(lines) if line and not line[0].isspace() and not line.startswith("#")]
    assert len(pins) > 100
    # every pin is followed by its hashes (pip and uv then refuse any other file)
    assert all(lines[i].endswith(" \\") and lines[i + 1].lstrip().startswith("--hash=sha256:") for i in pins)


def test_environment_yml_is_generated_from_the_lock(locked):
    import yaml

    tool = _lock_tool()
    assert (ROOT / "environment.yml").read_text() == tool.render_environment(LOCK), (
        "environment.yml differs from what `make lock` writes from requirements-lock.txt")
    doc = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in doc["dependencies"] if isinstance(d, dict))
    assert pip[-1] == "-e ."
    assert len(pip) - 1 == len(locked)
    for spec, pkg in zip(pip, locked):
        req = Requirement(spec)
        assert canonicalize_name(req.name) == pkg.name and str(req.specifier) == f"=={pkg.version}"
    py = next(d for d in doc["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert py == f"python={tool.PYTHON_VERSION}"


def test_make_installed_exactly_the_lock(locked):
    """The test run's own environment is the lock (make test installs it with uv or pip)."""
    assert [p.message for p in env.check_packages(locked)] == []
    prov = env.lock_provenance(LOCK)
    assert prov["matches"] is True and prov["sha256"] == env.lock_sha256(LOCK)


def test_read_lock_joins_continuations_and_keeps_markers(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# header\n--index-url https://example.invalid/simple\n"
        "numpy==2.4.6 ; python_full_version < '3.12' \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n"
        "    # via pandas\n"
        "numpy==2.5.5 ; python_full_version >= '3.12' \\\n    --hash=sha256:cc\n"
        "Python_Calamine==0.6.1\n"
    )
    got = env.read_lock(lock)
    assert [(p.name, p.version, p.line) for p in got] == [
        ("numpy", "2.4.6", 3), ("numpy", "2.5.5", 7), ("python-calamine", "0.6.1", 9)]
    assert [p.applies() for p in got[:2]] == [sys.version_info < (3, 12), sys.version_info >= (3, 12)]


def test_read_lock_refuses_a_range_and_names_the_line(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text("pandas==3.1.1\nnumpy>=2\n")
    with pytest.raises(env.MutasiError, match=r"line 2: numpy is not pinned"):
        env.read_lock(lock)
    with pytest.raises(env.MutasiError, match="not found; run `make lock`"):
        env.read_lock(tmp_path / "missing.txt")


def test_another_python_than_the_locks_reference_is_named():
    assert env.check_python((3, 11, 7)) == []
    (problem,) = env.check_python((3, 12, 1))
    assert problem.message.startswith("python 3.12: the published numbers are made on Python 3.11")
    assert _lock_tool().PYTHON_VERSION == env.LOCK_PYTHON


def test_check_packages_names_version_drift_and_missing_packages():
    pins = [env.LockedPackage("pandas", "3.1.1", None, 1), env.LockedPackage("numpy", "2.4.6", None, 2),
            env.LockedPackage("pywin32", "311", "sys_platform == 'win32'", 3),
            env.LockedPackage("scipy", "1.17.1", None, 4)]
    assert env.check_packages(pins[:1], {"pandas": "3.1.1.0"}) == []  # the same version, written longer
    problems = env.check_packages(pins, {"pandas": "3.0.0", "NumPy": "2.4.6"})
    assert [p.message for p in problems] == [
        "package pandas: 3.0.0 installed, the lock pins 3.1.1; run `make venv` (installs the lock)",
        "package scipy: not installed, the lock pins 1.17.1; run `make venv` (installs the lock)",
    ]


def test_check_kernel_sees_a_kernel_running_another_python(tmp_path, monkeypatch):
    spec_dir = tmp_path / "kernels" / "mutasi-other"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "other", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    (problem,) = env.check_kernel("mutasi-other")
    assert problem.check == "kernel" and "starts /usr/bin/python3, not this environment's" in problem.message
    assert env.check_kernel() == []  # the project's kernel runs this interpreter


def test_check_system_libraries_names_the_package_to_install(monkeypatch):
    assert env.check_system_libraries(find=lambda lib: f"/usr/lib/lib{lib}.so") == []
    assert env.check_system_libraries(find=lambda lib: None) == []  # WeasyPrint found Pango itself
    monkeypatch.setattr(env, "_weasyprint_loads", lambda: False)
    (problem,) = env.check_system_libraries(find=lambda lib: None)
    assert "libpango-1.0-0" in problem.message and "make system-deps" in problem.message


def _doctor(*args):
    return subprocess.run([sys.executable, "-m", "mutasi_analysis.cli", "doctor", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_doctor_is_quiet_when_everything_matches():
    r = _doctor()
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("ok: ") and "requirements-lock.txt" in r.stdout


def test_doctor_reports_a_mismatched_version_and_a_missing_kernel(tmp_path):
    """As a user runs it: one line per problem, what to run, exit code 1, no traceback."""
    from importlib.metadata import version

    have = version("pandas")
    lock = tmp_path / "requirements-lock.txt"
    lock.write_text(LOCK.read_text().replace(f"\npandas=={have} ", "\npandas==2.2.3 ", 1))
    r = _doctor("--lock", str(lock), "--kernel", "mutasi-missing-kernel")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        f"package pandas: {have} installed, the lock pins 2.2.3; run `make venv` (installs the lock)",
        "kernel mutasi-missing-kernel: not installed; run `make venv`, or `python -m ipykernel install "
        "--sys-prefix --name mutasi-missing-kernel` with the project's Python",
    ]
    r = _doctor("--lock", str(tmp_path / "nope.txt"))
    assert r.returncode == 1 and "nope.txt not found; run `make lock`" in r.stderr
