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

**Many regions.** A project may also hold several regions (a kota's kecamatan, a province's),
run together by ``mutasi batch``. Their configs are the files matching ``regions`` and each
region's data and reports live under its own code; these optional keys say where (``{code}``
is the region's ``[region] code``; shown with their defaults)::

    regions = "config/regions/*.toml"          # one config per region
    region_raw = "data/{code}/raw"             # each region's raw exports
    region_processed = "data/{code}/processed" # ... its processed tables
    region_reports = "reports/{code}"          # ... its reports, one folder per period

The single-region keys above are untouched by them: a one-region project needs none, and its
layout is the same as before. Restricted lists are already kept per region code
(``restricted/<code>/...``). The pooled analysis across regions is :data:`POOLED_CODE`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import MutasiError

__all__ = ["Project", "RegionPaths", "find_project", "resolve_path", "PROJECT_ENV", "PATH_KEYS", "RUNS_DIR",
           "REGION_KEYS", "POOLED_CODE"]

#: Environment variable naming the project folder when the working folder is outside it.
PROJECT_ENV = "MUTASI_PROJECT"
#: Keys of ``[tool.mutasi]``: every one is required, so that no path has a second default.
PATH_KEYS = ("region", "raw", "processed", "reports", "restricted", "notebooks")
#: Folder under ``notebooks`` where hand runs record their results, per period and language.
RUNS_DIR = "_runs"
#: Optional keys of ``[tool.mutasi]`` for a project of many regions, with their defaults.
REGION_KEYS = {
    "regions": "config/regions/*.toml",
    "region_raw": "data/{code}/raw",
    "region_processed": "data/{code}/processed",
    "region_reports": "reports/{code}",
}
#: The key of the pooled analysis across regions, in place of a region code: its inputs go to
#: ``region_processed`` and its report to ``region_reports`` with this code. A region code never
#: starts with ``_`` in a batch, so no region can take it.
POOLED_CODE = "_gabungan"


@dataclass(frozen=True)
class RegionPaths:
    """One region's files in a project of many regions (see :meth:`Project.region_paths`).

    Attributes
    ----------
    code : str
        The region's code (``[region] code`` of its config), or :data:`POOLED_CODE`.
    raw, processed, reports : Path
        Absolute paths of its raw exports, processed tables and reports root.
    """

    code: str
    raw: Path
    processed: Path
    reports: Path


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
    layout: tuple = ()

    def runs(self, period: str, lang: str) -> Path:
        """Folder for the results of notebooks run by hand (JupyterLab, papermill) for one period.

        One folder per period and language, so that a hand-run summary never reads another
        period's numbers; ``mutasi report`` renders into ``reports/`` instead.
        """
        return self.notebooks / RUNS_DIR / period / lang

    def _template(self, key: str) -> str:
        return dict(self.layout).get(key, REGION_KEYS[key])

    @property
    def regions_glob(self) -> str:
        """The glob of the region configs of a many-region project, relative to :attr:`root`."""
        return self._template("regions")

    def region_paths(self, code: str) -> RegionPaths:
        """Where region ``code`` keeps its raw exports, processed tables and reports.

        Parameters
        ----------
        code : str
            A region code (``[region] code``) or :data:`POOLED_CODE`.

        Returns
        -------
        RegionPaths
        """
        if not isinstance(code, str) or not code or "/" in code or code in (".", ".."):
            raise MutasiError(f"region code {code!r} cannot name a folder")
        paths = {k: (self.root / self._template(f"region_{k}").format(code=code)).resolve()
                 for k in ("raw", "processed", "reports")}
        return RegionPaths(code=code, **paths)


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
    layout = {}
    for key in REGION_KEYS:
        if key not in table:
            continue
        value = table[key]
        ok = isinstance(value, str) and value.strip() and (key == "regions" or "{code}" in value)
        if ok and key != "regions":
            try:  # {code} and nothing else to fill in
                ok = value.format(code="x") != value.format(code="y")
            except (KeyError, IndexError, ValueError):
                ok = False
        if not ok:
            need = "a glob of region configs" if key == "regions" else "a path holding {code} (and no other {...})"
            raise MutasiError(f"{where} [tool.mutasi] {key} = {value!r}: write {need} relative to {root}, "
                              f"e.g. {REGION_KEYS[key]!r}")
        layout[key] = value
    filled = {k: dict(layout).get(k, REGION_KEYS[k]).format(code="x") for k in REGION_KEYS if k != "regions"}
    if len({os.path.normpath(v) for v in filled.values()}) < len(filled):
        raise MutasiError(f"{where} [tool.mutasi]: region_raw, region_processed and region_reports must name three "
                          "different folders")
    return Project(root=root, **{k: (root / table[k]).resolve() for k in PATH_KEYS},
                   layout=tuple(sorted(layout.items())))


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
