"""Property-based fuzzing of ingestion and of config text (hypothesis).

Whatever a raw cell or a config string holds: never a traceback (only a one-line
``MutasiError``), always read = accepted + rejected for every table, and never a raw NIP or a
staff name anywhere in the processed data. Example counts are fixed before running (not tuned
to a result) and sized for a 2-core machine; hypothesis' own database is off so that every run
draws the same way for a given seed.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests._raw_factory import (
    FORMASI_ROWS,
    HEADERS, NAMES, NIP_A, NIP_B, NIP_B_SPACED, NIP_C, REGION_TOML, clean_rows, write_raw, write_region,
)
from mutasi_analysis.errors import MutasiError

pytestmark = [pytest.mark.slow]
SETTINGS = settings(max_examples=30, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TODAY = dt.date(2026, 11, 28)
SECRETS = (NIP_A, NIP_B, NIP_C, NIP_B_SPACED, *NAMES)

# Cells a hostile or careless export holds: arbitrary text, formula starts, numbers and dates at
# their limits, separators, quotes, line breaks, NUL, very long values, digit runs that look
# like a NIP.
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from([
        "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\t", "\r", "", " ", "NA", "null", "1e309", "-0",
        "31-02-2024", "0000-00-00", "9999-12-31 25:61", "１２３", "\x00", "<script>", "'", '"', ";", ",",
        "a\nb", "x" * 5000, "IV/z", "99", "-5",
    ]),
    st.from_regex(r"[0-9 .]{1,25}", fullmatch=True),
)


@pytest.fixture(autouse=True)
def _key(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "fuzz-key-0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY_FILE", str(tmp_path_factory.mktemp("key") / "unused.key"))


def _processed_text(out) -> str:
    parts = []
    for p in sorted(out.iterdir()):
        if p.suffix == ".parquet":
            parts.append(pd.read_parquet(p).astype("string").to_csv(index=False))
        elif p.is_file() and p.name != "rejects.csv":  # rejects.csv holds raw values by design (0600)
            parts.append(p.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def _ingest_and_check(tmp, rows):
    from mutasi_analysis.ingest import ingest

    raw = write_raw(tmp / "raw", rows)
    region = write_region(tmp)
    try:
        summary = ingest(raw, tmp / "out", region, today=TODAY)
    except MutasiError as exc:  # refused: one message, nothing written
        assert exc.message.strip() and "Traceback" not in exc.message
        assert not (tmp / "out").exists() or not any((tmp / "out").glob("*.parquet"))
        return None
    data = json.loads((tmp / "out" / "ingest_summary.json").read_text(encoding="utf-8"))
    for name, t in data["tables"].items():
        assert t["read"] == t["accepted"] + t["rejected"], name
    text = _processed_text(tmp / "out")
    compact = re.sub(r"\s", "", text)
    for secret in SECRETS:
        assert secret not in text and re.sub(r"\s", "", secret) not in compact, secret
    return summary


@SETTINGS
@given(table=st.sampled_from(sorted(HEADERS)), row=st.integers(0, 3), col=st.integers(0, 11), value=CELL)
def test_any_raw_cell_is_accepted_or_rejected_never_a_crash(tmp_path_factory, table, row, col, value):
    rows = {**clean_rows(), "formasi": [list(r) for r in FORMASI_ROWS]}  # the optional table is fuzzed too
    body = rows[table]
    r, c = row % len(body), col % len(body[0])
    body[r][c] = value
    _ingest_and_check(tmp_path_factory.mktemp("fuzz"), rows)


@SETTINGS
@given(before=st.text(max_size=20), after=st.text(max_size=20),
       secret=st.sampled_from([NIP_A, NIP_B_SPACED, NIP_C, NAMES[0], NAMES[1].upper(), NAMES[2].lower()]))
def test_personal_data_in_a_comment_never_reaches_the_processed_data(tmp_path_factory, before, after, secret):
    rows = clean_rows()
    rows["survei_asn"][0][-1] = f"{before} {secret} {after}"
    _ingest_and_check(tmp_path_factory.mktemp("fuzz"), rows)


@SETTINGS
@given(name=st.text(min_size=1, max_size=60), unit=st.text(min_size=1, max_size=60))
def test_any_config_text_loads_or_is_refused_and_is_shown_as_text(tmp_path_factory, name, unit):
    from mutasi_analysis.config import load_config
    from mutasi_analysis.reporting.notebook import escape_markdown

    text = REGION_TOML.replace('"Kecamatan Contoh"', json.dumps(name, ensure_ascii=False), 1)
    text = text.replace('"Kantor Camat A"', json.dumps(unit, ensure_ascii=False), 1)
    path = tmp_path_factory.mktemp("cfg") / "region.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        cfg = load_config(path)
    except MutasiError as exc:
        assert exc.message.strip()
        return
    for value in (cfg.region.name, cfg.units[0].name):
        shown = escape_markdown(value)
        assert "<" not in shown and ">" not in shown
        assert not re.search(r"(?<!\\)[\[\]()*_`]", shown)
