"""Record a notebook's key results as JSON beside the rendered notebook.

A notebook ends with one call, usually through its report context::

    ctx.record("04_ikm", {"period": ctx.period.id, "ikm": 82.4, "units": [...], ...})

which writes ``04_ikm.json`` into the context's output folder: the period's report folder when
``mutasi report`` renders it, ``notebooks/_runs/<period>/<lang>/`` when a researcher runs it by
hand. The summary notebook, ``reports/index.html``, the exports and the tests read these files;
numbers are never scraped from HTML.

Every record is checked against its model in :mod:`mutasi_analysis.sections` when it is written
and again when it is read.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .files import replaced_atomically
from .sections import RECORD_SCHEMA, RecordError, SectionRecord, validate_record

__all__ = [
    "record", "read_record", "read_records", "read_section", "read_sections", "to_jsonable", "RESULTS_SUFFIX",
    "NOTEBOOK_ENV", "RecordError",
]

RESULTS_SUFFIX = ".json"
#: Set by ``mutasi report`` in each kernel: the notebook being rendered (its record must say so).
NOTEBOOK_ENV = "MUTASI_NOTEBOOK"
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


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
    RecordError
        When the results do not match the notebook's model (:mod:`mutasi_analysis.sections`),
        or a notebook rendered by ``mutasi report`` records under another notebook's name.
    """
    if not isinstance(notebook, str) or not _NAME.match(notebook):
        raise ValueError(f"notebook name {notebook!r} must be a plain name like '04_ikm'")
    if not isinstance(results, Mapping):
        raise ValueError(f"results must be a mapping (dict), got {type(results).__name__}")
    rendering = os.environ.get(NOTEBOOK_ENV)
    if rendering and rendering != notebook:
        raise RecordError(
            f"notebook {rendering} records its results as {notebook!r}; record under its own "
            f"name, {rendering!r} (a copied notebook keeps the name of the one it came from)"
        )
    plain = to_jsonable(results)
    validate_record(notebook, plain)
    payload = {"schema": RECORD_SCHEMA, "notebook": notebook, "results": plain}
    folder = Path(folder) if folder is not None else Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{notebook}{RESULTS_SUFFIX}"
    with replaced_atomically(target) as tmp, open(tmp, "w", encoding="utf-8") as fh:  # results are meant to be read
        json.dump(payload, fh, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)
        fh.write("\n")
    return target


def _envelope(path: Path) -> dict[str, Any] | None:
    """The parsed file when it is a results file at all (of any schema), else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and "results" in data and "notebook" in data and "schema" in data:
        return data
    return None


def read_section(path: str | Path) -> SectionRecord:
    """The typed record of one results file.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    RecordError
        When the file is not a results file, was written under another record schema (render
        the period again), or does not match its notebook's model.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such results file")
    data = _envelope(path)
    if data is None:
        raise RecordError(f"{path} is not a results file written by mutasi_analysis.record")
    if data["schema"] != RECORD_SCHEMA:
        raise RecordError(
            f"{path} was written under record schema {data['schema']}, this version reads "
            f"{RECORD_SCHEMA}; render that period again (mutasi report --period ... --force)"
        )
    return validate_record(str(data["notebook"]), data["results"], where=str(path))


def read_record(path: str | Path) -> dict[str, Any]:
    """The results a notebook recorded, validated, as plain JSON types (see :func:`read_section`)."""
    return read_section(path).model_dump(mode="json")


def read_sections(folder: str | Path, period: str | None = None) -> dict[str, SectionRecord]:
    """Every record in a folder, typed and keyed by notebook name (``{}`` for no folder).

    Parameters
    ----------
    folder : path
    period : str, optional
        The period the folder is for: a record of another period is an error, never a silent
        mix (a summary must not show another period's numbers).

    Raises
    ------
    RecordError
        For a results file that does not validate, or is of another period.
    """
    folder = Path(folder)
    out: dict[str, SectionRecord] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob(f"*{RESULTS_SUFFIX}")):
        if _envelope(path) is None:  # manifest.json and other JSON files
            continue
        rec = read_section(path)
        if period is not None and rec.period != period:
            raise RecordError(f"{path} holds results of {rec.period}, not {period}; render {period} again")
        out[path.stem] = rec
    return out


def read_records(folder: str | Path, period: str | None = None) -> dict[str, dict[str, Any]]:
    """Like :func:`read_sections`, as plain dicts (JSON types)."""
    return {k: v.model_dump(mode="json") for k, v in read_sections(folder, period).items()}
