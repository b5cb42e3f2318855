"""One generation of the processed data, held still for the length of a report.

Ingestion replaces ``data/processed`` as a whole (a new folder renamed into place) while holding
its lock. A report takes the same lock only for the moment it needs to link every file of the
current generation into a private folder beside it; the notebooks then read that folder, so a
new ingestion can publish at any time without a report mixing two generations, and the
manifest's input hashes are those of the files every notebook read.

Hard links cost nothing and keep the old files alive after ingestion renames the folder away;
where the file system refuses them, the files are copied.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Iterator

from ..locking import ingest_lock_path, period_lock

__all__ = ["processed_snapshot", "SNAPSHOT_TAG"]

SNAPSHOT_TAG = "snapshot"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _host() -> str:
    """This machine, as a short tag: snapshots are named by host and process id, because on a
    shared file system (workers of ``mutasi batch`` on several machines) a process id means
    something only on the machine that made it."""
    return "h" + hashlib.sha256(socket.gethostname().encode("utf-8")).hexdigest()[:8]


def _remove_stale(processed: Path) -> None:
    """Snapshots left by runs on this machine that were killed (their process is gone).

    Another machine's snapshots are left alone: whether their process lives cannot be told from
    here (that machine removes them on its next report of this folder).
    """
    pattern = re.compile(rf"^\.{re.escape(processed.name)}\.{SNAPSHOT_TAG}-(?:(h[0-9a-f]{{8}})-)?(\d+)-")
    here = _host()
    for d in processed.parent.glob(f".{processed.name}.{SNAPSHOT_TAG}-*"):
        m = pattern.match(d.name)
        if m and m.group(1) in (None, here) and not _alive(int(m.group(2))):
            shutil.rmtree(d, ignore_errors=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
            raise
        shutil.copy2(src, dst)


@contextlib.contextmanager
def processed_snapshot(processed: str | Path, wait: float = 0.0) -> Iterator[Path]:
    """A private, unchanging copy of the current generation of ``processed`` for a ``with`` block.

    Parameters
    ----------
    processed : path
        The processed data folder (``mutasi ingest --out``).
    wait : float
        Seconds to wait for a running ingestion to finish before refusing.

    Yields
    ------
    Path
        A hidden folder beside ``processed`` holding its files; removed afterwards.

    Raises
    ------
    ReportLocked
        When an ingestion into ``processed`` is still running after ``wait`` seconds.
    """
    processed = Path(processed).resolve()
    # A reader's lock: reports snapshot side by side; only an ingestion excludes them.
    with period_lock(ingest_lock_path(processed), f"processed data {processed} (an ingestion is running)",
                     wait=wait, shared=True):
        _remove_stale(processed)
        prefix = f".{processed.name}.{SNAPSHOT_TAG}-{_host()}-{os.getpid()}-"
        try:  # beside the data: the same file system, so hard links
            snap = Path(tempfile.mkdtemp(prefix=prefix, dir=processed.parent))
        except PermissionError:  # a report run by a user who may not write there: copies
            snap = Path(tempfile.mkdtemp(prefix=prefix))
        try:
            for f in sorted(processed.iterdir()):
                if f.is_file() and not f.name.startswith(".") and f.name != "rejects.csv":  # raw values: never read
                    _link_or_copy(f, snap / f.name)
        except BaseException:
            shutil.rmtree(snap, ignore_errors=True)
            raise
    try:
        yield snap
    finally:
        shutil.rmtree(snap, ignore_errors=True)
