"""``manifest.json``: what a report was made from, by which code, and how each notebook went.

The manifest is also the memory behind idempotence: a notebook is rendered again only when
its fingerprint (inputs, code, package versions, parameters) differs from the recorded one.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from ..files import replaced_atomically

__all__ = [
    "MANIFEST_NAME",
    "sha256_file",
    "hash_inputs",
    "code_digest",
    "git_state",
    "notebook_digest",
    "package_versions",
    "fingerprint",
    "read_manifest",
    "write_json_atomic",
    "write_text_atomic",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = 1
PACKAGE_DIR = Path(__file__).resolve().parents[1]

# Versions recorded in every manifest (and part of the fingerprint: a new pandas may change
# a number).
_PACKAGES = (
    "mutasi-analysis", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn",
    "pyarrow", "papermill", "nbconvert", "nbclient", "ipykernel", "jupyter_client",
)


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def hash_inputs(paths: Iterable[str | Path], root: str | Path | None = None) -> dict[str, str]:
    """SHA-256 of every input file; folders are walked (hidden files skipped).

    Parameters
    ----------
    paths : iterable of path
        Files and folders.
    root : path, optional
        Keys are relative to it when possible (stable across checkouts); absolute otherwise.

    Returns
    -------
    dict
        ``{path: sha256}`` sorted by path.
    """
    root = Path(root).resolve() if root is not None else None
    out: dict[str, str] = {}
    for p in paths:
        p = Path(p)
        files = (
            [f for f in sorted(p.rglob("*")) if f.is_file() and not any(s.startswith(".") for s in f.relative_to(p).parts)]
            if p.is_dir()
            else [p]
        )
        for f in files:
            key = f.resolve()
            if root is not None:
                try:
                    key = key.relative_to(root)
                except ValueError:
                    pass
            out[key.as_posix()] = sha256_file(f)
    return dict(sorted(out.items()))


def code_digest(extra: Iterable[str | Path] = ()) -> str:
    """One digest over the package's source (``*.py`` and report templates) and ``extra`` files."""
    h = hashlib.sha256()
    files = sorted(
        f for f in PACKAGE_DIR.rglob("*")
        if f.is_file() and "__pycache__" not in f.parts and f.suffix in (".py", ".j2", ".json", ".css")
    )
    for f in files:
        h.update(f.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(sha256_file(f).encode())
    for f in extra:
        h.update(sha256_file(f).encode())
    return h.hexdigest()


def notebook_digest(path: str | Path) -> str:
    """Digest of what a notebook *does*: its cells' types, sources and tags, and its kernel.

    Outputs, execution counts and other metadata are left out: a researcher who saves a
    notebook with its outputs has not changed the report, and must not make it render again.
    """
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    h = hashlib.sha256()
    h.update(json.dumps((nb.metadata.get("kernelspec") or {}).get("name")).encode())
    for c in nb.cells:
        h.update(json.dumps([c.cell_type, c.source, sorted(c.metadata.get("tags", []))]).encode())
    return h.hexdigest()


def git_state(cwd: str | Path | None = None) -> dict[str, Any]:
    """``{"commit": sha or None, "dirty": bool or None}`` of the package's git checkout.

    ``None`` values mean the code does not run from a git checkout (an installed package).
    """
    cwd = Path(cwd) if cwd is not None else PACKAGE_DIR
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd,
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status.strip())}


def package_versions() -> dict[str, str | None]:
    """Python and key package versions (``None`` for a package that is not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def fingerprint(**parts: Any) -> str:
    """A stable digest of JSON-serialisable parts (order of keys does not matter)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def period_name(manifest: dict[str, Any], lang: str = "id", span: bool = False) -> str:
    """The reader's name of a manifest's period (``Semester I 2026``), optionally with its dates.

    ``span=True`` adds the first and last day in words: ``Semester I 2026 (1 Januari 2026 -
    30 Juni 2026)``. A manifest written before ``period_kind`` was recorded is read as a semester.
    """
    from ..periods import parse_period
    from ..text import fmt_date

    pid = str(manifest.get("period", ""))
    try:
        name = parse_period(pid, str(manifest.get("period_kind") or "semester")).label(lang)
    except Exception:  # an unreadable period id is shown as it is written
        name = pid
    start, end = manifest.get("period_start"), manifest.get("period_end")
    if span and start and end:
        return f"{name} ({fmt_date(start, lang)} \u2013 {fmt_date(end, lang)})"
    return name


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """The manifest of a report folder, or ``None`` when there is none or it is unreadable."""
    path = Path(folder) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != MANIFEST_SCHEMA:
        return None
    return data


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write text through a temporary file and an atomic rename (readers never see half)."""
    path = Path(path)
    with replaced_atomically(path) as tmp:  # reports are meant to be read
        tmp.write_text(text, encoding="utf-8")
    return path


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Write JSON through a temporary file and an atomic rename."""
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
