"""Keyed pseudonyms of NIPs: ``pid`` = first 16 hex characters of HMAC-SHA256(key, NIP).

A plain hash of a NIP could be reversed by hashing every plausible NIP (birth dates x TMT x
sequence is a small space), so the hash is keyed. The key lives outside git:

1. ``MUTASI_PSEUDONYM_KEY`` (the key itself, at least 32 characters), or
2. the key file named by ``MUTASI_PSEUDONYM_KEY_FILE``, or
3. ``~/.config/mutasi-analysis/pseudonym.key``.

A missing key file is created on first use with 64 random hex characters and mode 0600.
The same key gives the same pseudonyms across periods; :func:`key_id` is a short public
fingerprint of the key recorded in ``ingest_summary.json`` so that a run with a different key
is caught instead of silently producing pseudonyms that do not match the earlier ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

import pandas as pd

from .errors import MutasiError

__all__ = [
    "KEY_ENV",
    "KEY_FILE_ENV",
    "DEFAULT_KEY_FILE",
    "MIN_KEY_LENGTH",
    "PseudonymKeyError",
    "key_file_path",
    "load_key",
    "key_id",
    "pseudonymise",
]

KEY_ENV = "MUTASI_PSEUDONYM_KEY"
KEY_FILE_ENV = "MUTASI_PSEUDONYM_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/mutasi-analysis/pseudonym.key")
MIN_KEY_LENGTH = 32
PID_LENGTH = 16


class PseudonymKeyError(MutasiError):
    """The pseudonym key is unreadable, too short, too widely readable, or not the one used before."""


def key_file_path() -> Path:
    """The key file in use: ``$MUTASI_PSEUDONYM_KEY_FILE`` or the default under ``~/.config``."""
    return Path(os.environ.get(KEY_FILE_ENV) or DEFAULT_KEY_FILE).expanduser()


def _inside_git(path: Path) -> Path | None:
    for parent in path.resolve().parents:
        if (parent / ".git").exists():
            return parent
    return None


def load_key(create: bool = True) -> bytes:
    """Load the pseudonym key (creating the key file on first use).

    Parameters
    ----------
    create : bool, default True
        Create the key file when it does not exist (and no key is set in the environment).

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    PseudonymKeyError
        When the key is shorter than :data:`MIN_KEY_LENGTH` characters, the key file cannot
        be read or created, is readable by other users, or sits inside a git working tree.
    """
    env = os.environ.get(KEY_ENV)
    if env is not None:
        key = env.strip()
        if len(key) < MIN_KEY_LENGTH:
            raise PseudonymKeyError(
                f"{KEY_ENV} is set but holds {len(key)} characters; use a random key of at least "
                f"{MIN_KEY_LENGTH} characters (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return key.encode("utf-8")
    path = key_file_path()
    repo = _inside_git(path)
    if repo is not None:
        raise PseudonymKeyError(
            f"pseudonym key file {path} is inside the git working tree {repo}; keys must stay out "
            f"of git: move it (e.g. to {DEFAULT_KEY_FILE}) and point {KEY_FILE_ENV} at it"
        )
    if not path.exists():
        if not create:
            raise PseudonymKeyError(f"pseudonym key file {path} does not exist; set {KEY_ENV} or {KEY_FILE_ENV}")
        _create_key_file(path)
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise PseudonymKeyError(
            f"cannot read the pseudonym key file {path} ({exc}); fix its permissions "
            f"(chmod 600 {path}) or set {KEY_ENV}"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PseudonymKeyError(
            f"pseudonym key file {path} is accessible by other users (mode {stat.S_IMODE(mode):o}); "
            f"run `chmod 600 {path}`"
        )
    if len(text) < MIN_KEY_LENGTH:
        raise PseudonymKeyError(
            f"pseudonym key file {path} holds {len(text)} characters, fewer than {MIN_KEY_LENGTH}; "
            "restore the key used for earlier periods, or delete the file to create a new key "
            "(pseudonyms then change)"
        )
    return text.encode("utf-8")


def _create_key_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL: never overwrite a key another process created meanwhile; 0600 from the start
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise PseudonymKeyError(
            f"cannot create the pseudonym key file {path} ({exc.strerror}); set {KEY_FILE_ENV} to a "
            f"writable place outside git, or set {KEY_ENV}"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32) + "\n")


def key_id(key: bytes) -> str:
    """A public fingerprint of the key (16 hex characters); reveals nothing about NIPs."""
    return hmac.new(key, b"mutasi-analysis key id", hashlib.sha256).hexdigest()[:PID_LENGTH]


def pseudonymise(nips: pd.Series, key: bytes) -> pd.Series:
    """Pseudonym ``pid`` of each NIP: first 16 hex characters of HMAC-SHA256(key, NIP).

    Parameters
    ----------
    nips : pandas.Series
        Cleaned 18-digit NIPs (no NA).
    key : bytes
        From :func:`load_key`.

    Returns
    -------
    pandas.Series of str
        Same index as ``nips``.

    Raises
    ------
    ValueError
        When ``nips`` holds NA, or two different NIPs get the same pid (a 64-bit collision:
        practically impossible, but a silent merge of two people would be worse than a stop).
    """
    if nips.isna().any():
        raise ValueError("pseudonymise() got missing NIPs; validate them first")
    if not isinstance(key, bytes) or not key:
        raise ValueError("key must be non-empty bytes from load_key()")
    # hashlib has no vectorised HMAC; hashing each distinct NIP once keeps this fast
    uniq = pd.unique(nips.to_numpy(dtype=object))
    table = {v: hmac.new(key, v.encode("ascii"), hashlib.sha256).hexdigest()[:PID_LENGTH] for v in uniq}
    if len(set(table.values())) != len(table):
        raise ValueError("two different NIPs share a pseudonym; use a different key")
    return pd.Series(nips.map(table), index=nips.index, dtype="str", name="pid")
