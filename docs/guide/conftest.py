"""The user guide's examples run in a fresh folder each, as a reader would run them in an empty
one: the files they write (exports, plans, workbooks, annexes) never land in the repository."""

import pytest


@pytest.fixture(autouse=True)
def _in_a_fresh_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
