"""Shared fixtures: the default region config and a demo raw data set generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REGION = ROOT / "config" / "alak.toml"
OTHER_REGION = ROOT / "tests" / "data" / "kecamatan_contoh.toml"
# An illustrative draw whose impact estimate is typical of the generator; recovery over many
# seeds is checked in tests/test_impact.py.
DEMO_SEED = 8


@pytest.fixture(scope="session")
def region_path() -> Path:
    return DEFAULT_REGION


@pytest.fixture(scope="session")
def region(region_path):
    from mutasi_analysis.config import load_config

    return load_config(region_path)


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory) -> Path:
    """A clean demo raw data set (CSV) for the default region, generated once."""
    from mutasi_analysis.demo import write_demo_data

    out = tmp_path_factory.mktemp("demo_raw")
    write_demo_data(out=out, seed=DEMO_SEED, region=DEFAULT_REGION)
    return out


@pytest.fixture(scope="session")
def demo_truth(demo_raw) -> dict:
    import json

    return json.loads((demo_raw / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def dirty_raw(tmp_path_factory) -> Path:
    """A demo raw data set with planted faults (faults.json lists them)."""
    from mutasi_analysis.demo import write_demo_data

    out = tmp_path_factory.mktemp("dirty_raw")
    write_demo_data(out=out, seed=DEMO_SEED, region=DEFAULT_REGION, dirty=True)
    return out
