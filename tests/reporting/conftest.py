"""Fixtures for the report pipeline tests."""

from __future__ import annotations

import pytest

from report_helpers import write_project


@pytest.fixture
def project(tmp_path):
    """A tiny project in tmp_path (see :func:`report_helpers.write_project`)."""
    return write_project(tmp_path)
