"""Keyed pseudonyms of NIPs: ``pid`` = first 16 hex characters of HMAC-SHA256(key, NIP).

A plain hash of a NIP could be reversed by hashing every plausible NIP (birth dates x TMT x
sequence is a small space), so the hash is keyed. The key lives outside git:

1. ``MUTASI_PSEUDONYM_KEY`` (the key itself, at least 32 characters), or
2. the key file named by ``MUTASI_PSEUDONYM_KEY_FILE`` (it must exist: a mistyped name is an
   error, never a new key), or
3. ``~/.config/mutasi-analysis/pseudonym.key``, created on first use (64 random hex
   characters, mode 0600) unless processed data made with another key exist.

The same key gives the same pseudonyms across periods. :func:`key_id` is the key's public
fingerprint, HMAC-SHA256(key, ``"mutasi-analysis key id"``) cut to 16 hex characters: it tells
two keys apart but reveals nothing of the key (finding the key from it means guessing 256
random bits) or of any NIP. Ingestion records it three times beside the processed data, in
``ingest_summary.json``, in ``pseudonym_key.json`` and in the schema metadata of every Parquet
file, so that a run with a different key is refused even when the summary is lost
(:func:`check_same_key`), and reports can record which key made their pseudonyms
(:func:`processed_key_id`). A new key is made only on request (:func:`new_key_file`, used by
``mutasi key rotate``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
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
    "key_source",
    "pseudonymise",
    "KEY_ID_FILE",
    "KEY_ID_ATTR",
    "processed_key_id",
    "processed_key_ids",
    "check_same_key",
    "write_key_id",
    "load_key_for",
    "new_key_file",
    "install_key_file",
]

KEY_ENV = "MUTASI_PSEUDONYM_KEY"
KEY_FILE_ENV = "MUTASI_PSEUDONYM_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/mutasi-analysis/pseudonym.key")
MIN_KEY_LENGTH = 32
PID_LENGTH = 16
#: File beside the processed tables holding the key's fingerprint (never the key).
KEY_ID_FILE = "pseudonym_key.json"
#: ``DataFrame.attrs`` entry (Parquet schema metadata ``PANDAS_ATTRS``) holding the fingerprint.
KEY_ID_ATTR = "pseudonym_key_id"
_SUMMARY_FILE = "ingest_summary.json"  # mutasi_analysis.processed.SUMMARY_FILE (no import cycle)
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_CREATE_HINT = ("create a key on purpose with `mutasi key rotate --yes` (or `umask 077; python -c "
                "'import secrets; print(secrets.token_hex(32))' > {path}`)")


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
        Create the default key file when it does not exist (and no key is set in the
        environment). A file named by ``MUTASI_PSEUDONYM_KEY_FILE`` is never created here.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    PseudonymKeyError
        When the key is shorter than :data:`MIN_KEY_LENGTH` characters, the key file cannot
        be read or created, is readable by other users, sits inside a git working tree, or
        is named by ``MUTASI_PSEUDONYM_KEY_FILE`` and does not exist.
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
        if os.environ.get(KEY_FILE_ENV):
            raise PseudonymKeyError(
                f"{KEY_FILE_ENV}={path}: no such key file; correct the path to the key used before, or "
                + _CREATE_HINT.format(path=path)
            )
        if not create:
            raise PseudonymKeyError(
                f"pseudonym key file {path} does not exist; restore the key used before, set {KEY_ENV} or "
                f"{KEY_FILE_ENV}, or " + _CREATE_HINT.format(path=path)
            )
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
    """A public fingerprint of the key: HMAC-SHA256(key, ``"mutasi-analysis key id"``), 16 hex characters.

    Keyed, so it can be published (in summaries and report manifests): it reveals nothing of
    the key or of any NIP, and differs between keys (a 64-bit collision aside).
    """
    return hmac.new(key, b"mutasi-analysis key id", hashlib.sha256).hexdigest()[:PID_LENGTH]


def key_source() -> str:
    """Where the key in use comes from: ``$MUTASI_PSEUDONYM_KEY`` or the key file's path."""
    return f"${KEY_ENV}" if os.environ.get(KEY_ENV) is not None else str(key_file_path())


# -- the fingerprint beside the processed data -------------------------------------------------

def _valid_id(value) -> str | None:
    return value if isinstance(value, str) and _KEY_ID.fullmatch(value) else None


def _json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
        return None


def _parquet_key_id(path: Path) -> str | None:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
        attrs = json.loads(meta.get(b"PANDAS_ATTRS", b"{}"))
    except Exception:  # a damaged file: pyarrow raises several types
        return None
    return _valid_id(attrs.get(KEY_ID_ATTR)) if isinstance(attrs, dict) else None


def processed_key_ids(folder: str | Path) -> dict[str, str]:
    """Every key fingerprint recorded in a processed folder, by the file it was found in.

    Looks in ``ingest_summary.json``, then ``pseudonym_key.json``, then the schema metadata
    of each ``*.parquet`` file; unreadable or damaged files are skipped. Empty when the folder
    does not exist or holds no fingerprint.
    """
    folder = Path(folder)
    found: dict[str, str] = {}
    if not folder.is_dir():
        return found
    summary = _json(folder / _SUMMARY_FILE)
    pseudo = summary.get("pseudonym") if isinstance(summary, dict) else None
    kid = _valid_id(pseudo.get("key_id")) if isinstance(pseudo, dict) else None
    if kid:
        found[_SUMMARY_FILE] = kid
    saved = _json(folder / KEY_ID_FILE)
    kid = _valid_id(saved.get("key_id")) if isinstance(saved, dict) else None
    if kid:
        found[KEY_ID_FILE] = kid
    for path in sorted(folder.glob("*.parquet")):
        kid = _parquet_key_id(path)
        if kid:
            found[path.name] = kid
    return found


def processed_key_id(folder: str | Path) -> str | None:
    """The fingerprint of the key that made a processed folder's pseudonyms, or None.

    From ``ingest_summary.json``; when it is missing or damaged, from ``pseudonym_key.json``;
    then from the Parquet files' schema metadata. Reports record it in their manifest.

    Examples
    --------
    >>> processed_key_id("/no/such/folder") is None
    True
    """
    ids = processed_key_ids(folder)
    return next(iter(ids.values()), None)


def check_same_key(folder: str | Path, kid: str) -> None:
    """Refuse to write into ``folder`` with a key other than the one its pseudonyms were made with.

    Raises
    ------
    PseudonymKeyError
        When any fingerprint recorded in ``folder`` (:func:`processed_key_ids`) differs from ``kid``.
    """
    other = {src: v for src, v in processed_key_ids(folder).items() if v != kid}
    if other:
        src, before = next(iter(other.items()))
        raise PseudonymKeyError(
            f"wrong pseudonym key: {folder} was made with key id {before} (in {src}), the key in use "
            f"({key_source()}) has id {kid}, so pid values would not match earlier periods. Restore the earlier "
            "key (`mutasi key show` compares them), re-pseudonymise on purpose with `mutasi key rotate --yes`, "
            "or write to a new --out folder."
        )


def write_key_id(folder: str | Path, kid: str) -> Path:
    """Write ``pseudonym_key.json`` (the fingerprint, never the key) into ``folder``."""
    path = Path(folder) / KEY_ID_FILE
    record = {
        "key_id": kid,
        "key_id_method": "HMAC-SHA256(key, 'mutasi-analysis key id'), first 16 hex characters",
        "pid_method": "HMAC-SHA256(key, NIP), first 16 hex characters",
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def load_key_for(folder: str | Path) -> bytes:
    """The key for writing into a processed ``folder``: :func:`load_key`, creating the default
    key file only when ``folder`` holds no fingerprint of another key.

    Raises
    ------
    PseudonymKeyError
        As :func:`load_key`; also when no key exists but ``folder`` was made with one (a new
        key would silently change every pseudonym).
    """
    path = key_file_path()
    if os.environ.get(KEY_ENV) is None and not os.environ.get(KEY_FILE_ENV) and not path.exists():
        before = processed_key_id(folder)
        if before is not None:
            raise PseudonymKeyError(
                f"pseudonym key file {path} does not exist, but {folder} was made with key id {before}: restore "
                f"that key (to {path}, or point {KEY_FILE_ENV} or {KEY_ENV} at it), or re-pseudonymise on "
                "purpose with `mutasi key rotate --yes`"
            )
    return load_key(create=True)


# -- a new key, on request -------------------------------------------------------------------------

def new_key_file(path: str | Path) -> tuple[Path, bytes]:
    """Write a new random key beside ``path`` under a temporary name (mode 0600).

    Returns the temporary file and the key; :func:`install_key_file` puts it in place.
    """
    path = Path(path).expanduser()
    repo = _inside_git(path)
    if repo is not None:
        raise PseudonymKeyError(
            f"pseudonym key file {path} is inside the git working tree {repo}; keys must stay out of git: "
            f"point {KEY_FILE_ENV} at a place outside it (e.g. {DEFAULT_KEY_FILE})"
        )
    key = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.new-{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
    except OSError as exc:
        raise PseudonymKeyError(
            f"cannot write a new pseudonym key beside {path} ({exc.strerror}); set {KEY_FILE_ENV} to a writable "
            "place outside git"
        ) from None
    return tmp, key.encode("utf-8")


def install_key_file(new: Path, path: str | Path) -> Path | None:
    """Put the key file ``new`` at ``path``, moving a key already there aside (never deleting it).

    Returns
    -------
    Path or None
        Where the previous key went (``<name>.<UTC timestamp>.old`` beside it), None if there was none.
    """
    path = Path(path).expanduser()
    aside = None
    if path.exists() or path.is_symlink():
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.{stamp}.old")
        n = 1
        while aside.exists() or aside.is_symlink():
            n += 1
            aside = path.with_name(f"{path.name}.{stamp}-{n}.old")
        try:  # a hard link keeps a key at ``path`` at every moment; else a rename
            if path.is_symlink():
                raise OSError("a symlink is moved, not linked")
            os.link(path, aside)
        except OSError:
            os.rename(path, aside)
    os.replace(new, path)
    return aside


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
