"""Refresh the lock file and the conda environment generated from it (``make lock``).

``requirements-lock.txt`` is resolved by uv from ``pyproject.toml`` (runtime and test extras)
for every platform (``--universal``) from Python 3.11 up, with hashes, so that pip and uv
install the same files everywhere. ``environment.yml`` is then written from the lock: conda
gives Python and the PDF libraries, pip inside it installs exactly the locked versions.

Usage::

    python tools/lock.py [--upgrade] [--uv PATH]      # rewrite both files
    python tools/lock.py --check                      # environment.yml matches the lock?

Run it deliberately (``make lock``), review the diff, render the demo, and commit the lock,
``environment.yml`` and any golden result it moved together.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mutasi_analysis.environment import LOCK_NAME, LOCK_PYTHON, read_lock  # noqa: E402

LOCK = ROOT / LOCK_NAME
ENV_YML = ROOT / "environment.yml"
PYTHON_VERSION = LOCK_PYTHON
CONDA_ONLY = ["pango  # text layout for WeasyPrint (PDF export); Debian: libpango-1.0-0"]


def render_environment(lock: Path = LOCK) -> str:
    """The text of ``environment.yml`` for a lock file (every pin, markers kept)."""
    lines = [
        "# Generated from requirements-lock.txt by `make lock` (tools/lock.py): do not edit by hand.",
        "# conda provides Python and the PDF libraries; pip installs exactly the locked versions.",
        "# Then, in the activated environment: python -m ipykernel install --sys-prefix --name mutasi-analysis",
        "name: mutasi-analysis",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={PYTHON_VERSION}",
        "  - pip",
        *(f"  - {c}" for c in CONDA_ONLY),
        "  - pip:",
    ]
    for pkg in read_lock(lock):
        spec = f"{pkg.name}=={pkg.version}" + (f"; {pkg.marker}" if pkg.marker else "")
        # packaging writes markers with double quotes: YAML single quotes keep them literal.
        lines.append(f"      - '{spec}'" if pkg.marker else f"      - {spec}")
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


def compile_lock(uv: str, upgrade: bool) -> None:
    cmd = [
        uv, "pip", "compile", "pyproject.toml", "--extra", "test", "--universal",
        "--python-version", PYTHON_VERSION, "--generate-hashes", "--quiet",
        "--custom-compile-command", "make lock", "-o", str(LOCK.relative_to(ROOT)),
    ]
    if upgrade:
        cmd.append("--upgrade")
    subprocess.run(cmd, cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uv", default=None, help="uv executable (default: .venv/.uv/bin/uv, else uv on PATH)")
    ap.add_argument("--upgrade", action="store_true", help="move every pin to the newest allowed version")
    ap.add_argument("--check", action="store_true", help="only check that environment.yml matches the lock")
    args = ap.parse_args(argv)
    if args.check:
        ok = ENV_YML.read_text(encoding="utf-8") == render_environment()
        print("environment.yml matches the lock" if ok else "environment.yml is stale: run `make lock`")
        return 0 if ok else 1
    uv = args.uv or (str(ROOT / ".venv/.uv/bin/uv") if (ROOT / ".venv/.uv/bin/uv").exists() else shutil.which("uv"))
    if uv is None:
        print("lock: uv is needed to resolve the lock (run `make venv` first, or pip install uv)", file=sys.stderr)
        return 2
    compile_lock(uv, args.upgrade)
    ENV_YML.write_text(render_environment(), encoding="utf-8")
    print(f"lock: wrote {LOCK.name} and {ENV_YML.name}; review the diff and run `make test`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
