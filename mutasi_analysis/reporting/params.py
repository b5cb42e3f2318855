"""Typed notebook parameters, checked before any kernel starts.

papermill injects whatever it is given: an unknown name only logs a warning and ``-p x 2``
injects an int where the cell says ``x: float``. Here every value is checked against the type
annotation of the notebook's ``parameters`` cell (read with :func:`papermill.inspect_notebook`)
and every problem is reported at once.

A number's range is written at the end of its help comment, in brackets, either bound optional::

    n_boot: int = 2000  # bootstrap resamples for the IKM confidence intervals [100..]
    share: float = 0.25  # threshold share of staff newly rotated in [0..1]

so that ``-p n_boot=-1`` is refused with one message before any kernel starts, the same way
for every notebook.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..errors import MutasiError

__all__ = ["NotebookParameter", "notebook_parameters", "validate_parameters", "parse_cli_value"]

_RANGE = re.compile(r"\[\s*(-?\d+(?:\.\d+)?)?\s*\.\.\s*(-?\d+(?:\.\d+)?)?\s*\]\s*$")

# papermill's inferred type names -> accepted Python types. ``bool`` is a subclass of ``int``
# in Python, so it is rejected explicitly for int/float.
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}


@dataclass(frozen=True)
class NotebookParameter:
    """One parameter of a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
    type : str
        The annotated type (``str``, ``int``, ``float``, ``bool``, ``list``, ``dict``).
    default : str
        The default as written in the cell (source text).
    help : str
        The trailing comment of the line.
    """

    name: str
    type: str
    default: str
    help: str

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """``(low, high)`` from a trailing ``[low..high]`` in the help (None: unbounded)."""
        m = _RANGE.search(self.help)
        if not m:
            return None, None
        return tuple(float(x) if x else None for x in m.groups())  # type: ignore[return-value]


def notebook_parameters(path: str | Path) -> dict[str, NotebookParameter]:
    """The parameters a notebook declares, read without starting a kernel.

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file.

    Returns
    -------
    dict of str to NotebookParameter

    Raises
    ------
    MutasiError
        When the notebook is missing, has no cell tagged ``parameters``, or a parameter has
        no supported type annotation.
    """
    import papermill

    path = Path(path)
    if not path.is_file():
        raise MutasiError(f"notebook {path} not found")
    try:
        found = papermill.inspect_notebook(str(path))
    except Exception as exc:  # papermill raises several types for unreadable notebooks
        raise MutasiError(f"notebook {path} cannot be read: {exc}") from None
    if not found:
        raise MutasiError(
            f"notebook {path} has no cell tagged 'parameters' (or it is empty); "
            "tag the first code cell 'parameters' and give each parameter a typed default"
        )
    out, untyped = {}, []
    for name, p in found.items():
        tname = p.get("inferred_type_name") or "None"
        if tname not in _TYPES:
            untyped.append(f"{name} (annotation {tname!r})")
        out[name] = NotebookParameter(name, tname, str(p.get("default")), str(p.get("help") or ""))
    if untyped:
        raise MutasiError(
            f"notebook {path}: parameters without a supported type annotation: "
            f"{', '.join(untyped)}; write them like `period: str = \"2026-S1\"  # help` "
            f"(types: {', '.join(_TYPES)})"
        )
    return out


def _type_ok(value: Any, tname: str) -> bool:
    if tname in ("int", "float") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[tname])


def validate_parameters(
    path: str | Path, params: Mapping[str, Any], declared: Mapping[str, NotebookParameter] | None = None
) -> dict[str, Any]:
    """Check parameter names and types against a notebook's ``parameters`` cell.

    Parameters
    ----------
    path : str or Path
        The notebook (named in messages).
    params : mapping
        Values to inject.
    declared : mapping, optional
        The result of :func:`notebook_parameters` when already read.

    Returns
    -------
    dict
        The values to inject; ints given for ``float`` parameters become floats, tuples for
        ``list`` parameters become lists.

    Raises
    ------
    MutasiError
        Listing every unknown name (with the known ones) and every value of the wrong type.
    """
    declared = notebook_parameters(path) if declared is None else declared
    problems, out = [], {}
    for name, value in params.items():
        if name not in declared:
            problems.append(f"unknown parameter {name!r}")
            continue
        tname = declared[name].type
        if not _type_ok(value, tname):
            problems.append(
                f"parameter {name!r} must be {tname}, got {type(value).__name__} {value!r}"
            )
            continue
        low, high = declared[name].bounds
        if tname in ("int", "float") and ((low is not None and value < low) or (high is not None and value > high)):
            span = f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"
            problems.append(f"parameter {name!r} = {value!r} is outside its range [{span}]")
            continue
        if tname == "float":
            value = float(value)
        elif tname == "list":
            value = list(value)
        out[name] = value
    if problems:
        known = ", ".join(f"{p.name}: {p.type}" for p in declared.values())
        raise MutasiError(
            f"notebook {Path(path).name}: {'; '.join(problems)}. Known parameters: {known}"
        )
    return out


def parse_cli_value(text: str, tname: str, name: str = "value") -> Any:
    """Convert a command-line string to a declared parameter type.

    Parameters
    ----------
    text : str
        As typed after ``-p name=``.
    tname : str
        The declared type.
    name : str
        Parameter name, for the message.

    Raises
    ------
    MutasiError
        When the text is not a valid value of that type.
    """
    try:
        if tname == "str":
            return text
        if tname == "int":
            return int(text)
        if tname == "float":
            return float(text)
        if tname == "bool":
            low = text.strip().lower()
            if low in ("true", "1", "yes", "ya"):
                return True
            if low in ("false", "0", "no", "tidak"):
                return False
            raise ValueError(text)
        value = json.loads(text)
        if not _type_ok(value, tname):
            raise ValueError(text)
        return value
    except ValueError:
        raise MutasiError(
            f"parameter {name!r} must be {tname}; cannot read {text!r} as {tname}"
            + (" (write JSON, e.g. [1, 2])" if tname in ("list", "dict") else "")
        ) from None
