"""Record a notebook's key results as JSON beside the rendered notebook.

A notebook ends with one call::

    from mutasi_analysis.record import record
    record("04_ikm", {"ikm_overall": 82.4, "units": {...}})

which writes ``04_ikm.json`` in the folder the notebook runs in (the report pipeline runs each
notebook inside the period's report folder). The summary notebook, ``reports/index.html`` and
the tests read these files; numbers are never scraped from HTML.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["record", "read_record", "read_records", "to_jsonable", "RESULTS_SUFFIX"]

RESULTS_SUFFIX = ".json"
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_SCHEMA = 1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def to_jsonable(value: Any, where: str = "results") -> Any:
    """Convert results to plain JSON types.

    numpy and pandas scalars become Python numbers, arrays and Series lists, DataFrames lists
    of row dicts, dates ISO strings. A missing value (``None``, NaN, ``pd.NA``, NaT) becomes
    ``null``: explicit, never a silent number.

    Parameters
    ----------
    value : Any
    where : str
        Path inside the results, for error messages.

    Raises
    ------
    ValueError
        For an infinite number or a type that has no JSON form (the message names where).
    """
    import numpy as np
    import pandas as pd

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if math.isnan(f):
            return None
        if math.isinf(f):
            raise ValueError(f"{where} is infinite ({f}); record a finite number or None")
        return f
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r, f"{where}[{i}]") for i, r in enumerate(value.to_dict("records"))]
    if isinstance(value, (pd.Series, np.ndarray)):
        value = value.tolist()
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, (str, int, np.integer)):
                raise ValueError(f"{where} has a key of type {type(k).__name__}; use str keys")
            out[str(k)] = to_jsonable(v, f"{where}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return to_jsonable(value.to_dict(), where)
    raise ValueError(
        f"{where} is a {type(value).__name__}, which has no JSON form; record numbers, "
        "strings, lists, dicts or DataFrames"
    )


def record(notebook: str, results: Mapping[str, Any], folder: str | Path | None = None) -> Path:
    """Write a notebook's key results to ``<folder>/<notebook>.json``.

    Parameters
    ----------
    notebook : str
        The notebook's name without extension, e.g. ``"04_ikm"``.
    results : mapping
        Key results; see :func:`to_jsonable` for accepted values.
    folder : str or Path, optional
        Target folder; defaults to the current working directory (the report folder when run
        by ``mutasi report``).

    Returns
    -------
    Path
        The file written (atomically: readers never see half a file).

    Raises
    ------
    ValueError
        When the name is not a plain file name or a value cannot be written as JSON.
    """
    if not isinstance(notebook, str) or not _NAME.match(notebook):
        raise ValueError(f"notebook name {notebook!r} must be a plain name like '04_ikm'")
    if not isinstance(results, Mapping):
        raise ValueError(f"results must be a mapping (dict), got {type(results).__name__}")
    payload = {"schema": _SCHEMA, "notebook": notebook, "results": to_jsonable(results)}
    folder = Path(folder) if folder is not None else Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{notebook}{RESULTS_SUFFIX}"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{notebook}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)
            fh.write("\n")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; results are meant to be read
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_record(path: str | Path) -> dict[str, Any]:
    """The results dict a notebook recorded (the ``results`` part of its JSON file).

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ValueError
        When the file is not a results file written by :func:`record`.
    """
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "results" not in data or data.get("schema") != _SCHEMA:
        raise ValueError(f"{path} is not a results file written by mutasi_analysis.record")
    return data["results"]


def read_records(folder: str | Path) -> dict[str, dict[str, Any]]:
    """All results recorded in a folder, keyed by notebook name (``{}`` for no folder).

    Files in the folder that are not results files (``manifest.json``) are skipped.
    """
    folder = Path(folder)
    out = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob(f"*{RESULTS_SUFFIX}")):
        if path.name == "manifest.json":
            continue
        try:
            out[path.stem] = read_record(path)
        except ValueError:
            continue
    return out
