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
