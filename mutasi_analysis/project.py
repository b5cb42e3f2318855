"""Where a project's files are: found by walking up from the working folder, as git does.

A *project* is a folder whose ``pyproject.toml`` holds a ``[tool.mutasi]`` table naming its
paths, relative to that folder::

    [tool.mutasi]
    region = "config/alak.toml"     # region configuration
    raw = "data/raw"                # raw exports (never committed)
    processed = "data/processed"    # validated, pseudonymised tables
    reports = "reports"             # rendered reports, one folder per period
    restricted = "restricted"       # lists of people (by pseudonym) kept out of the reports
    notebooks = "notebooks"         # the report notebooks (NN_name.ipynb)

That table is the only place these paths are written: the ``mutasi`` command, the report
notebooks and the Makefile all resolve them here, so the same command or notebook works from
the project folder, from ``notebooks/``, from a sub-folder of ``data/`` or from JupyterLab.
Outside a project, ``MUTASI_PROJECT=/path/to/project`` points at one.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import MutasiError

__all__ = ["Project", "find_project", "resolve_path", "PROJECT_ENV", "PATH_KEYS", "RUNS_DIR"]

#: Environment variable naming the project folder when the working folder is outside it.
PROJECT_ENV = "MUTASI_PROJECT"
#: Keys of ``[tool.mutasi]``: every one is required, so that no path has a second default.
PATH_KEYS = ("region", "raw", "processed", "reports", "restricted", "notebooks")
#: Folder under ``notebooks`` where hand runs record their results, per period and language.
RUNS_DIR = "_runs"


@dataclass(frozen=True)
class Project:
    """A project's root folder and the absolute paths its ``[tool.mutasi]`` table names.

    Attributes
    ----------
    root : Path
        The folder holding ``pyproject.toml``.
    region, raw, processed, reports, restricted, notebooks : Path
        Absolute paths.
    """

    root: Path
    region: Path
    raw: Path
    processed: Path
    reports: Path
    restricted: Path
    notebooks: Path

    def runs(self, period: str, lang: str) -> Path:
        """Folder for the results of notebooks run by hand (JupyterLab, papermill) for one period.

        One folder per period and language, so that a hand-run summary never reads another
        period's numbers; ``mutasi report`` renders into ``reports/`` instead.
        """
        return self.notebooks / RUNS_DIR / period / lang


def _read_table(pyproject: Path) -> dict | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    table = data.get("tool", {}).get("mutasi") if isinstance(data.get("tool"), dict) else None
    return table if isinstance(table, dict) else None


def _load(root: Path, table: dict) -> Project:
    where = root / "pyproject.toml"
    missing = [k for k in PATH_KEYS if not isinstance(table.get(k), str) or not table[k].strip()]
    if missing:
        raise MutasiError(f"{where} [tool.mutasi]: missing {', '.join(missing)} (a path relative to {root})")
    return Project(root=root, **{k: (root / table[k]).resolve() for k in PATH_KEYS})


def find_project(start: str | Path | None = None) -> Project:
    """The project holding ``start`` (default: the working folder), else ``$MUTASI_PROJECT``'s.

    Parameters
    ----------
    start : path, optional
        Folder (or file) to search upwards from.

    Returns
    -------
    Project

    Raises
    ------
    MutasiError
        Outside any project when ``MUTASI_PROJECT`` is unset (one line saying how to point at
        one), or when that variable or the table is wrong.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        table = _read_table(folder / "pyproject.toml")
        if table is not None:
            return _load(folder, table)
    env = os.environ.get(PROJECT_ENV)
    if env:
        root = Path(env).expanduser().resolve()
        table = _read_table(root / "pyproject.toml")
        if table is None:
            raise MutasiError(f"{PROJECT_ENV}={env}: {root / 'pyproject.toml'} has no [tool.mutasi] table")
        return _load(root, table)
    raise MutasiError(
        f"{here} is not inside a mutasi project (no pyproject.toml with [tool.mutasi] here or above); "
        f"run from the project folder or set {PROJECT_ENV}=/path/to/project"
    )


def resolve_path(value: str | Path | None, key: str, start: str | Path | None = None) -> Path:
    """An explicit path as given (relative to the working folder), else the project's ``key``.

    Parameters
    ----------
    value : str, Path or None
        What the user passed; ``None`` or ``""`` means "the project's".
    key : str
        One of :data:`PATH_KEYS`.
    start : path, optional
        Where to look for the project (default: the working folder).

    Returns
    -------
    Path
        Absolute.
    """
    if key not in PATH_KEYS:
        raise ValueError(f"unknown project path {key!r}; one of {', '.join(PATH_KEYS)}")
    if value is not None and str(value).strip():
        return Path(value).expanduser().resolve()
    return getattr(find_project(start), key)
