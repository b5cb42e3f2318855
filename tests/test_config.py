"""Region configuration: validation reports every problem at once; any region works."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mutasi_analysis.config import load_config
from mutasi_analysis.errors import ConfigError

from .conftest import OTHER_REGION, ROOT


def test_default_region_loads_with_domain_facts(region):
    types = [u.type for u in region.units]
    assert types.count("kantor_kelurahan") == 12  # Alak's 12 kelurahan
    assert types.count("puskesmas") == 3
    assert types.count("kantor_camat") == 1 and types.count("pustu") == 1
    assert region.period.kind == "semester"
    assert region.rotation.min_years_in_post == 2 and region.rotation.max_years_in_post == 5
    assert region.thresholds.min_cell_size == 5
    assert region.thresholds.unready_share_training == pytest.approx(0.30)
    # Kota Kupang election freeze windows (UU 10/2016): from 22 Mar 2024 to 20 Aug 2025.
    windows = region.rotation.freeze_windows
    assert windows[0].start == dt.date(2024, 3, 22)
    assert windows[-1].end == dt.date(2025, 8, 20)
    assert region.freeze_window_at(dt.date(2024, 3, 21)) is None
    assert region.freeze_window_at(dt.date(2024, 3, 22)) is windows[0]
    assert region.freeze_window_at(dt.date(2025, 8, 20)) is windows[-1]
    assert region.freeze_window_at(dt.date(2025, 8, 21)) is None
    assert all(w.legal_basis for w in windows)


def test_other_region_loads(tmp_path):
    cfg = load_config(OTHER_REGION)
    assert cfg.region.code == "contoh" and cfg.period.kind == "quarter"
    assert cfg.unit_codes[0] == "KC-01"
    with pytest.raises(ConfigError, match="KEC-ALAK.*known codes: KC-01"):
        cfg.unit("KEC-ALAK")


def test_all_problems_reported_at_once(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        """
[region]
code = "Bad Code"
name = "x"
[period]
kind = "fortnight"
[[units]]
code = "A"
name = "a"
type = "kantor_dinas"
[[units]]
code = "A"
name = "b"
type = "pustu"
[rotation]
min_years_in_post = 5
max_years_in_post = 2
[[rotation.freeze_windows]]
start = 2025-01-10
end = 2025-01-01
legal_basis = "x"
[thresholds]
min_cell_size = 0
surprise = 1
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        load_config(bad)
    msg = exc.value.message
    for needle in ["region.code", "period.kind", "units.0.type", "max_years_in_post",
                   "ends", "thresholds.min_cell_size", "thresholds.surprise"]:
        assert needle in msg, needle
    assert str(bad) in msg
    assert int(re.search(r"has (\d+) problem", msg).group(1)) >= 7


def test_duplicate_unit_codes_rejected(tmp_path):
    text = OTHER_REGION.read_text(encoding="utf-8").replace('code = "KL-02"', 'code = "KL-01"')
    p = tmp_path / "dup.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate unit codes: KL-01"):
        load_config(p)


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.toml")
    p = tmp_path / "broken.toml"
    p.write_text("[region\nname=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(p)


def test_package_never_names_a_region():
    """Nothing in the package may be tied to Alak: region facts live in config files."""
    offenders = []
    for path in (ROOT / "mutasi_analysis").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("Alak", "ALAK", "Kupang", "Naioni", "Manutapen"):
            if word in text:
                offenders.append(f"{path.relative_to(ROOT)}: {word}")
    assert not offenders, offenders


def test_limits_have_defaults_and_are_validated(tmp_path, region):
    from mutasi_analysis.config import Limits

    assert region.limits == Limits()  # config/alak.toml documents the defaults as they are
    d = Limits()
    assert (d.max_file_mb, d.max_rows, d.max_columns, d.max_cell_kb, d.max_line_kb, d.max_sheets,
            d.max_uncompressed_mb, d.max_cells) == (1024, 10_000_000, 500, 64, 1024, 50, 2048, 50_000_000)
    assert load_config(OTHER_REGION).limits == Limits()  # the section is optional
    text = OTHER_REGION.read_text(encoding="utf-8") + "\n[limits]\nmax_rows = 0\nmax_cell_kb = 2048\nmax_zip = 1\n"
    p = tmp_path / "lim.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    msg = exc.value.message
    assert "limits.max_rows" in msg and "limits.max_zip" in msg and "max_cell_kb" in msg
    p.write_text(OTHER_REGION.read_text(encoding="utf-8") + "\n[limits]\nmax_rows = 5000\n", encoding="utf-8")
    assert load_config(p).limits.max_rows == 5000 and load_config(p).limits.max_columns == 500
