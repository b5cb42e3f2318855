"""The locked environment: read the lock file and check the running environment against it.

``requirements-lock.txt`` (written by ``make lock`` with ``uv pip compile --universal
--generate-hashes``) pins every package the project and its tests need, with hashes and
environment markers. ``make`` installs exactly that file; :func:`doctor` tells, one line per
problem, where the running environment has drifted from it and what to run.

Only the pins are read here (requirement lines with ``==``); hashes are pip's and uv's
business. ``packaging`` parses the requirement lines and evaluates their markers, so that a
pin meant for another Python or platform is not reported.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import os
import re
import shutil
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .errors import MutasiError

__all__ = [
    "PDF_FIX",
    "pdf_engine_problem",
    "LOCK_NAME",
    "KERNEL_NAME",
    "LockedPackage",
    "Problem",
    "find_lock",
    "lock_sha256",
    "read_lock",
    "check_packages",
    "check_kernel",
    "check_python",
    "check_system_libraries",
    "doctor",
    "describe",
    "lock_provenance",
]

LOCK_NAME = "requirements-lock.txt"
#: The Python the lock is resolved from and the published numbers (tests/golden) are made on;
#: the universal lock installs other numpy and scipy releases on newer Pythons.
LOCK_PYTHON = "3.11"
KERNEL_NAME = "mutasi-analysis"  # the Jupyter kernel every report runs on
_REPO = Path(__file__).resolve().parents[1]

# Shared libraries WeasyPrint loads for the PDF (Debian package in brackets, as
# tools/install-system-deps.sh installs them).
SYSTEM_LIBRARIES = {"pango-1.0": "libpango-1.0-0", "pangoft2-1.0": "libpangoft2-1.0-0"}


@dataclass(frozen=True)
class LockedPackage:
    """One pinned line of the lock file.

    Attributes
    ----------
    name : str
        Canonical distribution name (``python-calamine``).
    version : str
        The pinned version.
    marker : str or None
        Environment marker (``python_full_version < '3.12'``), ``None`` when the pin holds
        everywhere.
    line : int
        Line number in the lock file (1-based), for messages.
    """

    name: str
    version: str
    marker: str | None
    line: int

    def applies(self) -> bool:
        """Whether this pin is meant for the running interpreter and platform."""
        if self.marker is None:
            return True
        return Requirement(f"{self.name}=={self.version}; {self.marker}").marker.evaluate()


@dataclass(frozen=True)
class Problem:
    """One way the running environment differs from what the project needs.

    Attributes
    ----------
    check : str
        ``"package"``, ``"kernel"``, ``"system"`` or ``"lock"``.
    subject : str
        What is wrong (a package name, the kernel name, a library).
    message : str
        One line: what is wrong and what to run.
    """

    check: str
    subject: str
    message: str


def find_lock(start: str | Path | None = None) -> Path | None:
    """The lock file of the project checkout the package runs from (``None`` outside one)."""
    if start is not None:
        p = Path(start)
        return p if p.is_file() else None
    candidate = _REPO / LOCK_NAME
    return candidate if candidate.is_file() else None


def lock_sha256(path: str | Path | None = None) -> str | None:
    """SHA-256 of the lock file (recorded in every manifest), ``None`` when there is none."""
    p = find_lock(path)
    if p is None:
        return None
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _logical_lines(text: str):
    """Requirement lines with backslash continuations joined: ``(first line number, text)``."""
    buf, start = "", 0
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        if not buf:
            start = i
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        if buf.strip():
            yield start, buf.strip()
        buf = ""
    if buf.strip():
        yield start, buf.strip()


def read_lock(path: str | Path | None = None) -> list[LockedPackage]:
    """Every pinned package of the lock file.

    Parameters
    ----------
    path : path, optional
        The lock file; default ``requirements-lock.txt`` of the checkout.

    Returns
    -------
    list of LockedPackage
        In file order; a package pinned twice under different markers appears twice.

    Raises
    ------
    MutasiError
        The file is missing, or a line is not an exact pin (names the line).
    """
    p = find_lock(path)
    if p is None:
        where = path if path is not None else _REPO / LOCK_NAME
        raise MutasiError(f"lock file {where} not found; run `make lock` in the project checkout")
    out = []
    for lineno, text in _logical_lines(p.read_text(encoding="utf-8")):
        if text.startswith("-"):  # options such as --index-url
            continue
        spec = re.sub(r"\s--hash=\S+", "", " " + text).strip()
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            raise MutasiError(f"{p}, line {lineno}: not a requirement ({exc})") from None
        pins = [s for s in req.specifier if s.operator == "=="]
        if len(pins) != 1 or len(req.specifier) != 1:
            raise MutasiError(f"{p}, line {lineno}: {req.name} is not pinned to one version (==); "
                              "regenerate the file with `make lock`")
        out.append(LockedPackage(canonicalize_name(req.name), pins[0].version,
                                 str(req.marker) if req.marker else None, lineno))
    return out


def _installed() -> dict[str, str]:
    out: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            out.setdefault(canonicalize_name(name), dist.version)
    return out


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)  # "1.0" and "1.0.0" are one version
    except InvalidVersion:
        return a == b


def check_python(version_info=sys.version_info) -> list[Problem]:
    """The running Python is the lock's reference Python (:data:`LOCK_PYTHON`)."""
    have = f"{version_info[0]}.{version_info[1]}"
    if have == LOCK_PYTHON:
        return []
    return [Problem("python", have,
                    f"python {have}: the published numbers are made on Python {LOCK_PYTHON} (the lock pins "
                    f"other numpy and scipy releases for newer ones); rebuild with "
                    f"`rm -rf .venv && make venv PYTHON=python{LOCK_PYTHON}`")]


def check_packages(locked: list[LockedPackage], installed: dict[str, str] | None = None) -> list[Problem]:
    """Packages of the lock that are missing or at another version in the running environment.

    Parameters
    ----------
    locked : list of LockedPackage
        From :func:`read_lock`.
    installed : dict, optional
        ``{canonical name: version}``; default: what this interpreter has installed.

    Returns
    -------
    list of Problem
        One per package; empty when the environment matches.
    """
    installed = _installed() if installed is None else {canonicalize_name(k): v for k, v in installed.items()}
    problems = []
    for pkg in locked:
        if not pkg.applies():
            continue
        have = installed.get(pkg.name)
        if have is not None and _same_version(have, pkg.version):
            continue
        fix = "run `make venv` (installs the lock)"
        if have is None:
            msg = f"package {pkg.name}: not installed, the lock pins {pkg.version}; {fix}"
        else:
            msg = f"package {pkg.name}: {have} installed, the lock pins {pkg.version}; {fix}"
        problems.append(Problem("package", pkg.name, msg))
    return problems


def check_kernel(name: str = KERNEL_NAME) -> list[Problem]:
    """The Jupyter kernel the reports run on exists and starts this interpreter's Python."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    fix = (f"run `make venv`, or `python -m ipykernel install --sys-prefix --name {name}` with the "
           "project's Python")
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return [Problem("kernel", name, f"kernel {name}: not installed; {fix}")]
    exe = spec.argv[0] if spec.argv else ""
    resolved = shutil.which(exe) if exe and not os.path.isabs(exe) else exe
    if not resolved or not Path(resolved).exists():
        return [Problem("kernel", name, f"kernel {name}: its Python {exe!r} does not exist; {fix}")]
    # Compare the venv's bin folders, not resolved files: every venv links the same base Python.
    if not os.path.samefile(Path(resolved).absolute().parent, Path(sys.executable).absolute().parent):
        # Reports would run on another environment than the one that was checked.
        return [Problem("kernel", name, f"kernel {name}: starts {resolved}, not this environment's "
                                        f"{sys.executable} (from {spec.resource_dir}); {fix}, and remove "
                                        f"that one if it shadows the venv's (`jupyter kernelspec list`)")]
    return []


#: What to do when the PDF engine cannot start (one line; the README and deploy guide agree).
PDF_FIX = ("as root run tools/install-system-deps.sh (Debian/Ubuntu: libpango-1.0-0 libpangoft2-1.0-0); "
           "without root, use the conda environment of environment.yml, which brings Pango")


def pdf_engine_problem() -> str | None:
    """Why the PDF cannot be written on this machine (one line), or ``None`` when it can.

    WeasyPrint loads the Pango system libraries when it is imported: an ``OSError`` then
    means they are missing, an ``ImportError`` that WeasyPrint itself is.
    """
    try:
        import weasyprint  # noqa: F401
    except ImportError as err:
        return f"the PDF needs WeasyPrint, which is not installed ({err}); run `make venv`"
    except OSError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return f"the PDF needs the Pango libraries, which WeasyPrint cannot load ({first}); {PDF_FIX}"
    return None


def _weasyprint_loads() -> bool:
    """WeasyPrint finds Pango its own way (e.g. conda's, which find_library does not see)."""
    return pdf_engine_problem() is None


def check_system_libraries(find=ctypes.util.find_library) -> list[Problem]:
    """The shared libraries the PDF export needs (Pango for WeasyPrint)."""
    missing = [deb for lib, deb in SYSTEM_LIBRARIES.items() if find(lib) is None]
    if not missing or _weasyprint_loads():
        return []
    return [Problem("system", " ".join(missing),
                    f"system libraries for the PDF: {', '.join(missing)} missing; run `make system-deps` "
                    f"(as root: apt-get install {' '.join(missing)})")]


def _lock_problems(lock: str | Path | None) -> list[Problem]:
    """Another Python than the lock's, and packages off their pins (or an unreadable lock)."""
    try:
        packages = check_packages(read_lock(lock))
    except MutasiError as exc:
        packages = [Problem("lock", str(lock or LOCK_NAME), exc.message)]
    return check_python() + packages


def doctor(lock: str | Path | None = None, kernel: str = KERNEL_NAME) -> list[Problem]:
    """Every difference between the running environment and the project's lock.

    Parameters
    ----------
    lock : path, optional
        The lock file; default ``requirements-lock.txt`` of the checkout.
    kernel : str
        The kernel the reports run on.

    Returns
    -------
    list of Problem
        Empty when packages, kernel and system libraries are as the project needs.
    """
    return _lock_problems(lock) + check_kernel(kernel) + check_system_libraries()


def lock_provenance(lock: str | Path | None = None) -> dict:
    """What a manifest records of the lock: its file and hash, and any package drift from it.

    Returns
    -------
    dict
        ``{"file", "sha256", "python", "matches", "drift"}`` (``python``: the lock's reference
        Python; ``drift`` names another running Python too); ``file`` and ``sha256`` are ``None`` and
        ``matches`` is ``None`` when the code does not run from a checkout with a lock.
    """
    path = find_lock(lock)
    if path is None:
        return {"file": None, "sha256": None, "python": LOCK_PYTHON, "matches": None, "drift": []}
    drift = [p.message for p in _lock_problems(path)]
    return {"file": path.name, "sha256": lock_sha256(path), "python": LOCK_PYTHON, "matches": not drift,
            "drift": drift}


def describe(problems: list[Problem], lock: str | Path | None = None) -> str:
    """The text ``mutasi doctor`` prints: one line per problem, or one line saying all is well."""
    if problems:
        return "\n".join(p.message for p in problems)
    path = find_lock(lock)
    n = sum(1 for p in read_lock(path) if p.applies())
    return (f"ok: {n} packages match {path.name} (sha256 {lock_sha256(path)[:12]}), kernel {KERNEL_NAME} "
            f"runs {sys.executable}, PDF libraries present")
