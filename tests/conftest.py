"""Shared fixtures for the tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sampling.reports import list_reports


@pytest.fixture
def write_toml(tmp_path: Path):
    """Write TOML text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "report.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture(params=list_reports())
def report_id(request) -> str:
    return request.param
