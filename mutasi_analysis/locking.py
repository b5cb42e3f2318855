"""One run at a time per report period (and per ingestion output folder).

An advisory ``fcntl.flock`` on a lock file: the kernel releases it when the process ends, even
on a crash or ``kill -9``, so a stale lock can never block the next run (a plain "lock file
exists" check would). Written by hand because the stdlib call is all it takes and the
``filelock`` package is not a dependency; it is POSIX-only, like the IPC kernel transport.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
from pathlib import Path
from typing import Iterator

from .errors import MutasiError

__all__ = ["ReportLocked", "period_lock", "ingest_lock_path"]


def ingest_lock_path(out: str | Path) -> Path:
    """The lock an ingestion into ``out`` holds, and a report takes to snapshot ``out``."""
    out = Path(out)
    return out.parent / f".{out.name}-ingest.lock"


class ReportLocked(MutasiError):
    """Another run holds the lock of this period."""


@contextlib.contextmanager
def period_lock(path: str | Path, what: str, wait: float = 0.0, poll: float = 0.2,
                queue_hint: bool = True, shared: bool = False) -> Iterator[Path]:
    """Hold an exclusive (or shared) lock on ``path`` for the duration of the ``with`` block.

    Parameters
    ----------
    path : str or Path
        The lock file (created if missing; it stays, only the lock is released).
    what : str
        What is being locked, for the message (e.g. ``"report 2026-S1"``).
    wait : float, default 0
        Seconds to wait for another holder; 0 refuses at once.
    poll : float
        Seconds between attempts while waiting.
    queue_hint : bool, default True
        Mention ``--wait`` in the message (for commands that have it).
    shared : bool, default False
        A reader's lock: any number of readers together, none while a writer holds it. A
        reader may open an existing lock file read-only (a report run by another user than
        the ingestion that made the file).

    Raises
    ------
    ReportLocked
        When the lock is still held after ``wait`` seconds; the message names the holder's
        process id and start time.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        if not (shared and path.is_file()):
            raise
        fd = os.open(path, os.O_RDONLY)
    deadline = time.monotonic() + max(wait, 0.0)
    try:
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown"
                    raise ReportLocked(
                        f"{what} is in use by another run ({holder}); wait for it to "
                        f"finish{' (waited %.0f s)' % wait if wait > 0 else ''}"
                        + (" or pass --wait SECONDS to queue behind it" if queue_hint else "")
                    ) from None
                time.sleep(poll)
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if not shared:  # readers leave the writer's note alone
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, started {stamp}".encode(), 0)
        try:
            yield path
        finally:
            if not shared:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
