"""User-facing errors.

A :class:`MutasiError` is a problem with the user's input (a file, a parameter, a config), not a
bug. The command line prints its message without a traceback and exits with ``exit_code``.
"""

from __future__ import annotations


class MutasiError(Exception):
    """An input problem the user can fix; the message says what and where.

    Parameters
    ----------
    message : str
        One clear message naming the file, row, column and reason where they apply, and what
        to do about it.
    exit_code : int, default 2
        Exit code of the ``mutasi`` command when this error ends it.
    """

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class ConfigError(MutasiError):
    """The region configuration is missing or invalid (lists every problem at once)."""


class DataError(MutasiError):
    """A raw or processed data file is missing, unreadable, empty or malformed."""


class NotEnoughData(MutasiError):
    """An analysis cannot give a credible answer with the data at hand."""


class EnvironmentFault(MutasiError):
    """The machine, not the input: a read-only or full disk, a missing folder, no permission.

    The ``mutasi`` command exits with code 3 for these (2 is bad input).
    """

    def __init__(self, message: str):
        super().__init__(message, exit_code=3)


# What each OS error means for the person running the command.
_REASONS = {
    "EROFS": "the file system is read-only",
    "ENOSPC": "no space left on the device",
    "EDQUOT": "the disk quota is used up",
    "EACCES": "permission denied",
    "EPERM": "operation not permitted",
    "ENOENT": "no such file or folder",
    "EEXIST": "a file of that name is in the way",
    "ENOTDIR": "a file stands where a folder is needed",
    "EISDIR": "a folder stands where a file is needed",
    "EMFILE": "too many open files",
    "EIO": "input/output error",
}


def is_environment_fault(exc: BaseException) -> bool:
    """True for an OS error of the machine (disk, permissions, paths): not for a message-only one."""
    import errno

    return isinstance(exc, OSError) and errno.errorcode.get(exc.errno or -1, "") in _REASONS


def environment_fault(exc: OSError) -> EnvironmentFault:
    """One line for an OS error: the path and the reason in plain words, never a traceback."""
    import errno
    from pathlib import Path

    name = errno.errorcode.get(exc.errno or 0, "")
    reason = _REASONS.get(name, (exc.strerror or type(exc).__name__).lower())
    path = exc.filename
    if name in ("EEXIST", "ENOTDIR") and path is not None and Path(path).exists() and not Path(path).is_dir():
        reason = "it is a file, not a folder"
    where = f"{path}: " if path is not None else ""
    return EnvironmentFault(f"{where}{reason}")
