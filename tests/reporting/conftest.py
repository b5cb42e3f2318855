"""Fixtures for the report pipeline tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helpers module sits beside this file; make it importable however pytest was started.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_helpers import write_project  # noqa: E402


@pytest.fixture
def project(tmp_path):
    """A tiny project in tmp_path (see :func:`report_helpers.write_project`)."""
    return write_project(tmp_path)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """A headless Chromium context (Debian's browser through Playwright), one per test module."""
    import visual

    pw, context = visual.require_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield context
    context.close()
    pw.stop()
