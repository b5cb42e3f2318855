"""Writing a file so that readers never see half of it, with the mode it is meant to have.

Every output of the toolkit (results, manifests, the report's PDF and workbook, a plan, a
reidentified plan) is written to a temporary file beside its target and renamed over it: a run
that fails leaves the previous good file, never a partial one. Kept in a module of its own,
with no heavy imports, so that every writer can share it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

__all__ = ["replaced_atomically", "replace_folder", "umask", "READABLE"]


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


def replace_folder(tmp: str | Path, out: str | Path, outputs: Iterable[str], what: str = "--out") -> None:
    """Put the finished folder ``tmp`` in place of ``out`` with two renames; ``out``'s other
    entries (a README, a folder the user keeps there) are carried over by copy first.

    Parameters
    ----------
    tmp : path
        The new contents, a folder beside ``out`` (same file system).
    out : path
        The folder to replace (created when missing).
    outputs : iterable of str
        Names the new contents replace; every other entry of ``out`` is copied into ``tmp``.
    what : str
        How the message names ``out`` when it is not a folder.

    Notes
    -----
    ``out`` keeps its mode (a new one gets 0777 less the umask). A crash between the two renames
    leaves ``.<out>.old-*`` beside it, which the next run of the caller puts back or removes.
    """
    tmp, out, outputs = Path(tmp), Path(out), set(outputs)
    if not out.exists():
        os.chmod(tmp, 0o777 & ~umask())
        os.rename(tmp, out)
        return
    if not out.is_dir():
        from .errors import DataError

        raise DataError(f"{what} {out} exists and is not a folder; choose a folder")
    for p in out.iterdir():
        if p.name in outputs:
            continue
        if p.is_dir():
            shutil.copytree(p, tmp / p.name, symlinks=True)
        else:
            shutil.copy2(p, tmp / p.name, follow_symlinks=False)
    os.chmod(tmp, out.stat().st_mode & 0o7777)
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
