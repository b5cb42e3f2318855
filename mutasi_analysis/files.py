"""Writing a file so that readers never see half of it, with the mode it is meant to have.

Every output of the toolkit (results, manifests, the report's PDF and workbook, a plan, a
reidentified plan) is written to a temporary file beside its target and renamed over it: a run
that fails leaves the previous good file, never a partial one. Kept in a module of its own,
with no heavy imports, so that every writer can share it.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["replaced_atomically", "umask", "READABLE"]


def umask() -> int:
    """The process umask (read without changing it for longer than the call)."""
    current = os.umask(0)
    os.umask(current)
    return current


#: Mode of a file meant to be read by others (results, reports): 0666 less the umask.
READABLE = None


@contextmanager
def replaced_atomically(target: str | Path, mode: int | None = READABLE, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; on success it takes ``mode`` and replaces
    ``target`` in one rename, on any failure it is removed.

    Parameters
    ----------
    target : str or Path
        The file to write; its folder must exist.
    mode : int, optional
        Final mode, e.g. ``0o600`` for a file that names people. Default (:data:`READABLE`):
        ``0o666`` less the umask, as an ordinary file (the temporary file is private, 0600,
        while it is written).
    suffix : str
        Suffix of the temporary name (``.part`` where a reader looks for the target's own suffix).

    Yields
    ------
    Path
        The temporary file (created empty, mode 0600).
    """
    target = Path(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~umask() if mode is None else mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
